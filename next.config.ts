import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // Streams must reach the client as they are produced: Next's gzip would buffer small chunks.
  // Compression belongs to the proxy/CDN in front (Vercel compresses non-SSE responses itself).
  compress: false,
  poweredByHeader: false,
  // node:sqlite and friends are Node built-ins; keep server bundles on the Node runtime.
  serverExternalPackages: ['redis'],
}

export default nextConfig
