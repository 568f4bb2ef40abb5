// A session id as one segment of a viewer URL. Ids `.` and `..` (refused at
// ingest since, but stored by earlier collectors) are dot segments: browsers
// resolve `/sessions/..` to the site's page before sending it, `%2E%2E` too.
// They get a leading space, which no session id holds (ids are printable
// ASCII without spaces), so the segment is never a dot segment and reads back
// unambiguously.

const DOT_SEGMENT = /^\.{1,2}$/;

export const sessionPathSegment = (sessionId: string): string =>
  encodeURIComponent(DOT_SEGMENT.test(sessionId) ? ` ${sessionId}` : sessionId);

/** The session id a route's (decoded) `:session` parameter names. */
export const sessionIdFromPath = (segment: string): string =>
  segment.startsWith(' ') && DOT_SEGMENT.test(segment.slice(1)) ? segment.slice(1) : segment;
