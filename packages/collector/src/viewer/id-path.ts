// A session or visitor id as one segment of a viewer URL. Ids `.` and `..`
// (session ids are refused at ingest since, but stored by earlier collectors;
// visitor ids are taken) are dot segments: browsers resolve
// `/sessions/..` to the site's page before sending it, `%2E%2E` too. Such an
// id gets a leading space, so the segment is never a dot segment. Ids may
// hold spaces themselves, so an id that already is spaces and then one or two
// dots gets one more space too: the mapping reads back unambiguously.

const DOTS_AFTER_SPACES = /^ *\.{1,2}$/;
const ESCAPED_DOTS = /^ +\.{1,2}$/;

export const idPathSegment = (id: string): string => encodeURIComponent(DOTS_AFTER_SPACES.test(id) ? ` ${id}` : id);

/** The id a route's (decoded) `:session` or `:visitor` parameter names. */
export const idFromPath = (segment: string): string => (ESCAPED_DOTS.test(segment) ? segment.slice(1) : segment);
