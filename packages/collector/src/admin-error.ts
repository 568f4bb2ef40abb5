/**
 * A mistake in an administrator's input (a command-line flag, an API
 * argument). The message is meant to be shown as it is: it names the value
 * and the fix. The CLI prints it and exits with status 2.
 */
export class AdminError extends Error {}
