import { installCookieJar } from './visitor.ts'

// Each integration test file acts as one browser visitor: its fetch keeps the identity cookie.
installCookieJar()
