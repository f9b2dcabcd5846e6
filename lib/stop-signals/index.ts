/** Stop signals' front door: register a running task, stop it from any instance. */
export { stopSignals } from './instance'
