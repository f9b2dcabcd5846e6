import type { NextConfig } from 'next'
import { apiHeaders, pageHeaders } from './lib/security-headers'

const nextConfig: NextConfig = {
  // Streams must reach the client as they are produced: Next's gzip would buffer small chunks.
  // Compression belongs to the proxy/CDN in front (Vercel compresses non-SSE responses itself).
  compress: false,
  poweredByHeader: false,
  // node:sqlite and friends are Node built-ins; keep server bundles on the Node runtime.
  serverExternalPackages: ['redis'],
  // The "How it works" panels read the demos' source files on the server (components/ui/how-it-works.tsx):
  // dynamic pages (the chat, the proxy) read them at request time, so deployments must carry them.
  outputFileTracingIncludes: {
    '/*': ['./app/**/*.ts', './pages/**/*.ts', './lib/**/*.ts', './components/**/*.{ts,tsx}'],
    '/chat/**': ['./app/**/*.ts', './pages/**/*.ts', './lib/**/*.ts', './components/**/*.{ts,tsx}'],
  },
  // Old names of pages and routes, kept working after the naming pass (one word per concept:
  // "durable" for stored streams, "words", "pipeline" and "uploads" as their pages say). Pages
  // redirect (308, the query kept); API routes are rewritten, so curl scripts, bodies and streams
  // work unchanged.
  async redirects() {
    return [
      { source: '/streams', destination: '/durable', permanent: true },
      { source: '/upload', destination: '/uploads', permanent: true },
    ]
  },
  // The rewrites are `afterFiles`: Next.js tries them after the exact file routes and before the
  // dynamic ones (the API's catch-all 404, `[name]`, `[...path]`), so a request to a route with a
  // fixed path (`/api/chat`, `/api/health`) never evaluates them. As `beforeFiles` they ran for
  // every request, twice (the router, then the route module's `prepare`, compiling each source
  // again): about 0.2 ms per request (`npm run bench:chat`, docs/chat.md).
  async rewrites() {
    return {
      beforeFiles: [],
      afterFiles: [
        // The hot paths first: for each request Next.js compiles the source of every rewrite it tries
        // (`getPathMatch` in the route module's `prepare`) until one matches, so a rule further down
        // costs each of its requests the compiles of the rules above it (about 25 KB of garbage per
        // request for the last of six; `BENCH_LIVE_ALLOC=open npm run bench:live`).
        // The Durable Streams protocol is served by a Pages API route (less CPU per append, less
        // memory per open reader); `X-Sluice-Transport: app-router` reaches the App Router twin,
        // which the conformance suite runs too.
        {
          source: '/v1/stream/:path*',
          missing: [{ type: 'header', key: 'x-sluice-transport', value: 'app-router' }],
          destination: '/api/node/v1/stream/:path*',
        },
        // Uploads likewise (raw Node request body: 1.9× the App Router route, README "Which Next.js
        // API for which stream"); the same header reaches the App Router twin, which the same tests
        // and the benchmark run.
        {
          source: '/api/uploads/:name',
          missing: [{ type: 'header', key: 'x-sluice-transport', value: 'app-router' }],
          destination: '/api/node/uploads/:name',
        },
        { source: '/api/stream/words', destination: '/api/words' },
        { source: '/api/transform', destination: '/api/pipeline' },
        { source: '/api/streams', destination: '/api/durable' },
        { source: '/api/streams/:path*', destination: '/api/durable/:path*' },
      ],
      fallback: [],
    }
  },
  // Security headers (lib/security-headers.ts). Set here, not in a proxy/middleware, which would
  // make Next.js buffer request bodies (uploads and the pipeline stream them). For a path both
  // sources match, the later entry wins: API responses get the API's policy.
  // The sources have no named parameter (`(.*)`, not `:path*`): with one, Next.js treats every
  // header value containing a colon (the pages' policy: `data:`, `blob:`) as a template and
  // compiles it on every request, about 30 KB of garbage per request
  // (`BENCH_LIVE_ALLOC=open npm run bench:live`, docs/benchmarks.md).
  async headers() {
    const dev = process.env.NODE_ENV === 'development'
    return [
      { source: '/(.*)', headers: pageHeaders(dev) },
      { source: '/api(/.*)?', headers: apiHeaders },
      { source: '/v1(/.*)?', headers: apiHeaders },
    ]
  },
}

export default nextConfig
