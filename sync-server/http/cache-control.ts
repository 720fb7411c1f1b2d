// The two caching policies we serve: content-addressed files (hashed app assets, registry
// blobs) never change under their name; everything else is revalidated with its ETag.
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';
