/**
 * The keys and channels of the Redis stop registry (`redis-stop-signals.ts`; its Lua scripts are
 * in `lib/redis/lua/stop-signals.ts`). A
 * task's key and channel carry the task key as a hash tag (`{chat:abc}`), so the `STOP_TASK`
 * script's key and the channel it publishes on share one Redis Cluster slot.
 */
export const leaseKey = (prefix: string, task: string) => `${prefix}run:{${task}}`
export const stopChannel = (prefix: string, task: string) => `${prefix}stop:{${task}}`
