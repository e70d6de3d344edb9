// CandidateX service worker: keeps the app shell available offline.
// API calls always go to the network; interview data must never be served stale.
const CACHE = "candidatex-shell-v1";
const SHELL = ["/", "/index.html", "/manifest.webmanifest", "/icon.svg", "/icon-192.png", "/icon-512.png"];
const API_PREFIXES = ["/auth", "/users", "/interview", "/live-interview", "/resume", "/jobs",
  "/admin", "/health", "/applications", "/matching", "/schema", "/metrics", "/media"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (API_PREFIXES.some((prefix) => url.pathname === prefix || url.pathname.startsWith(prefix + "/"))) return;

  if (event.request.mode === "navigate") {
    // Network first so a new deployment shows up; the cached shell covers offline use.
    event.respondWith(fetch(event.request).catch(() => caches.match("/index.html")));
    return;
  }
  // Built assets carry a content hash in their names, so cache-first is safe for them.
  event.respondWith(
    caches.match(event.request).then((hit) => hit || fetch(event.request).then((response) => {
      if (response.ok && url.pathname.startsWith("/assets/")) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(event.request, copy));
      }
      return response;
    })),
  );
});
