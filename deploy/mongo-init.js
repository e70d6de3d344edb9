// Runs once, on the first start of an empty MongoDB volume (the image's /docker-entrypoint-initdb.d):
// the app's own user, allowed to read and write its database and nothing else (the root user stays for operators).
db.getSiblingDB("admin").createUser({
  user: process.env.MONGO_APP_USER,
  pwd: process.env.MONGO_APP_PASSWORD,
  roles: [{ role: "readWrite", db: "candidatex" }],
});
