/**
 * The local MNS-compatible server: `startMnsServer` and the types a caller needs. See README.md beside this
 * file for what is implemented and how it differs from the cloud service.
 */
export { startMnsServer, type MnsServerHandle, type MnsServerOptions } from './server.ts';
export { MnsError, mnsErrorCodes, type MnsErrorCode } from './errors.ts';
