// Small files the CLI keeps (checkpoints, offsets), written so that a crash leaves the old or the new one.
import { randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'

/** Replaces `path` with `text` atomically: a temporary file beside it, then a rename. */
export async function writeFileAtomic(path, text) {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(temp, text)
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

/** The text of `path`, or undefined when there is no such file. */
export async function readTextFile(path) {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if (error.code === 'ENOENT') return undefined
    throw error
  }
}

/** The JSON in `path`, or undefined when there is no such file. */
export async function readJsonFile(path) {
  const text = await readTextFile(path)
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`${path} is not the JSON this command wrote (delete it to start over)`)
  }
}
