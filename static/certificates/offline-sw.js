/* 培考 离线核验：the service worker of /verify/offline/. Imported by the script that
 * peikao/certificates/offline.py writes, which sets self.PEIKAO_OFFLINE:
 *   { cache, page, assets: [static URLs], lists: [trust list URL, status list URL] }
 *
 * The page and the lists: network first, the kept copy when the network fails (a list served
 * from the cache says so in X-Peikao-From-Cache). The static files: from the cache (their URLs
 * are hashed in production, and the cache's name changes with them). */
"use strict";

const OFFLINE = self.PEIKAO_OFFLINE;
const CACHE_PREFIX = "peikao-offline-";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(OFFLINE.cache);
      await cache.addAll([new Request(OFFLINE.page, { credentials: "omit" }), ...OFFLINE.assets]);
      // The lists as well when they answer; the page fetches them again as soon as it can.
      await Promise.all(
        OFFLINE.lists.map(async (url) => {
          try {
            const response = await fetch(url, { cache: "no-store", credentials: "omit" });
            if (response.ok) await cache.put(url, response);
          } catch (error) {
            // Offline at install: the page's own fetch keeps them later.
          }
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== OFFLINE.cache)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

async function fromCache(key, marked) {
  const cache = await caches.open(OFFLINE.cache);
  const kept = await cache.match(key, { ignoreSearch: true });
  if (!kept || !marked) return kept;
  const headers = new Headers(kept.headers);
  headers.set("X-Peikao-From-Cache", "1");
  return new Response(kept.body, { status: kept.status, statusText: kept.statusText, headers });
}

async function networkFirst(request, key, marked) {
  try {
    const response = await (request.mode === "navigate"
      ? fetch(request)
      : fetch(key, { cache: "no-store", credentials: "omit" }));
    if (response.ok) {
      const cache = await caches.open(OFFLINE.cache);
      await cache.put(key, response.clone());
      return response;
    }
    return (await fromCache(key, marked)) || response;
  } catch (error) {
    const kept = await fromCache(key, marked);
    if (kept) return kept;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(OFFLINE.cache);
  const kept = await cache.match(request, { ignoreSearch: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === OFFLINE.page) {
    event.respondWith(networkFirst(request, OFFLINE.page, false));
  } else if (OFFLINE.lists.includes(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname, true));
  } else if (OFFLINE.assets.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});
