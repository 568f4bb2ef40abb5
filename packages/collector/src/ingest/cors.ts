// CORS for the ingest route. Browsers send batches as "simple" text/plain
// requests, so there is usually no preflight; the key travels in the body, so
// the decision for a POST is made after the body is read, against that key's
// site. A preflight (a transport with extra headers) carries no body and no
// key: it is answered for any origin some site lists.
import type { FastifyReply } from 'fastify';

export function allowOrigin(reply: FastifyReply, origin: string): void {
  reply.header('Access-Control-Allow-Origin', origin);
  reply.header('Access-Control-Expose-Headers', 'Retry-After');
}

export function answerPreflight(reply: FastifyReply, origin: string, requestedHeaders: string | undefined, method = 'POST'): void {
  allowOrigin(reply, origin);
  reply.header('Access-Control-Allow-Methods', method);
  if (requestedHeaders) reply.header('Access-Control-Allow-Headers', requestedHeaders);
  reply.header('Access-Control-Max-Age', '600');
}
