/** URL prefix the protocol is served under (`app/v1/stream/[...path]`). A module of its own: browser code and `proxy.ts` use it. */
export const STREAM_ROUTE = '/v1/stream/'
