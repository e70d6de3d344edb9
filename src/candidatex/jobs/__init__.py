"""Job postings and the applications candidates send to them."""
