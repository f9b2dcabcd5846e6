#!/usr/bin/env node
// The npm registry reachable from this workplace serves only the Linux builds of packages that ship
// per-platform binaries as optional dependencies (@next/swc-*, @tailwindcss/oxide-*, ...). `npm install`
// here therefore leaves the other platforms' entries out of package-lock.json, and `npm ci` then refuses
// the lockfile as out of sync. This script adds those entries (optional, with their os/cpu/libc taken
// from the package name) so the lockfile is complete for every platform. Run it after `npm install`.
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
  const libc = parts.includes('musl') || parts.includes('musleabihf') ? 'musl' : parts.includes('gnu') || parts.includes('gnueabihf') ? 'glibc' : undefined
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
