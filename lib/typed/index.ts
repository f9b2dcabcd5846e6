/** The typed endpoints (the catalogue at `/typed`): the AI answer, the countdown, and the import job, as typed streams. */
export { catalogue, typedEndpoints, type CatalogueEntry, type StreamMethod, type TypedEndpoint } from './catalogue'
export { answerStream, defineAnswerStream } from './answer'
export { countdownStream } from './countdown'
// new:stream adds exports above this line
