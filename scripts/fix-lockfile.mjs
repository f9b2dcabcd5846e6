#!/usr/bin/env node
// Makes package-lock.json complete for every platform. Packages that ship native binaries (@next/swc-*,
// @tailwindcss/oxide-*, lightningcss-*, ...) list one optional dependency per platform, and `npm ci`
// installs only the one matching the machine. `npm install` records all of them when the registry
// serves their metadata; when it does not (a registry mirror that only carries some platforms, an
// offline cache), their entries are missing, and `npm ci` on another platform (a Mac, Windows, a musl
// Linux image) refuses the lockfile as out of sync with package.json. For each optional dependency
// whose name names a CPU (and usually an OS and libc) and that has no entry, this adds one: the
// version the parent asks for, `os`/`cpu`/`libc` read from the name, `optional: true` — so each
// platform's `npm ci` installs its own binary and skips the others. Entries already present are left
// alone, so running it on a complete lockfile changes nothing. Run it after `npm install`:
// `npm run lockfile:fix`.
import { readFileSync, writeFileSync } from 'node:fs'

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'))
const packages = lock.packages

function platform(name) {
  const tail = name.slice(name.lastIndexOf('/') + 1)
  const parts = tail.split('-')
  const oses = ['android', 'darwin', 'freebsd', 'linux', 'win32', 'openharmony', 'sunos', 'netbsd', 'openbsd', 'aix']
  const cpus = ['arm64', 'x64', 'arm', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'wasm32', 'mips64el']
  const os = parts.find((p) => oses.includes(p))
  const cpu = parts.find((p) => cpus.includes(p))
  const libc =
    parts.includes('musl') || parts.includes('musleabihf')
      ? 'musl'
      : parts.includes('gnu') || parts.includes('gnueabihf')
        ? 'glibc'
        : undefined
  return { os, cpu, libc }
}

let added = 0
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `${path ? `${path}/` : ''}node_modules/${dep}`
    const hoisted = `node_modules/${dep}`
    if (packages[key] || packages[hoisted]) continue
    const { os, cpu, libc } = platform(dep)
    if (!cpu) continue // not a per-platform binary package
    const version = spec.replace(/^[\^~=]/, '')
    packages[hoisted] = { version, cpu: [cpu], ...(os ? { os: [os] } : {}), ...(libc ? { libc: [libc] } : {}), optional: true }
    added++
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))))
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`)
console.log(`fix-lockfile: added ${added} platform entries`)
