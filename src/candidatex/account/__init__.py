"""The signed-in user's own account: profile, password, sessions, 2FA, data export and erasure (/users/me)."""
