import { ApolloLink } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import type { ASTNode, print } from "graphql";
import { defer, switchMap } from "rxjs";

/**
 * Persisted operations (see codegen.ts and the API's app/graphql/engine/persisted.py): every
 * document of src/gql carries the hash of its text in the build's manifest
 * (`__meta__.hash`, plain hex SHA-256), and the web app sends that hash instead of the text.
 * The API knows the manifest's documents from the start; when it does not know one (an API
 * started before the last codegen), it answers PERSISTED_QUERY_NOT_FOUND and the link sends
 * the hash again with the manifest's text, which it loads then (a chunk of its own: the
 * document text Apollo would print is not the text the hash was taken of).
 */

type Manifest = Readonly<Record<string, string>>;

let manifest: Manifest | undefined;

/** The hash codegen gave a document of the web app, or undefined for any other document. */
export function documentHash(document: unknown): string | undefined {
  const meta = (document as { __meta__?: { hash?: unknown } } | null | undefined)?.__meta__;
  return typeof meta?.hash === "string" ? meta.hash : undefined;
}

/** The manifest's text of a hashed document (the manifest loaded on first need). */
export async function manifestText(hash: string): Promise<string | undefined> {
  manifest ??= (await import("../gql/persisted-documents.json")).default as Manifest;
  return manifest[hash];
}

/** For HttpLink's `print`: the manifest's text for a hashed document once loaded. */
export function printPersisted(node: ASTNode, originalPrint: typeof print): string {
  const hash = documentHash(node);
  return (hash !== undefined && manifest?.[hash]) || originalPrint(node);
}

/** Whether an operation's document came from src/gql with a hash. */
export function isPersisted(operation: ApolloLink.Operation): boolean {
  return documentHash(operation.query) !== undefined;
}

/**
 * Sends hashes instead of documents, for the documents of src/gql only (the caller splits):
 * the hash is the build's, so nothing is hashed in the browser (where `crypto.subtle` exists
 * only on https and localhost). Queries may go by GET then (cacheable URLs); mutations and
 * the retry with the text always POST.
 */
export function persistedLink(options: { useGET: boolean }): ApolloLink {
  const hashes = new PersistedQueryLink({
    generateHash: (document) => {
      const hash = documentHash(document);
      if (hash === undefined) throw new Error("persistedLink: a document without a build hash");
      return hash;
    },
    useGETForHashedQueries: options.useGET,
  });
  return ApolloLink.from([hashes, manifestTextLink()]);
}

/** Before a request that carries the text (the retry after a miss), loads the manifest so
 * that `printPersisted` sends the very text of the hash. */
function manifestTextLink(): ApolloLink {
  return new ApolloLink((operation, forward) => {
    const hash = documentHash(operation.query);
    const http = operation.getContext()["http"] as { includeQuery?: boolean } | undefined;
    if (hash === undefined || http?.includeQuery === false || manifest) return forward(operation);
    return defer(() => manifestText(hash)).pipe(switchMap(() => forward(operation)));
  });
}

/**
 * Subscriptions (over the WebSocket, where the text always travels) carry the build's hash
 * beside it: an API that runs only trusted documents runs the manifest's text of that hash.
 */
export function subscriptionHashLink(): ApolloLink {
  return new ApolloLink((operation, forward) => {
    const hash = documentHash(operation.query);
    if (hash !== undefined) operation.extensions["persistedQuery"] = { version: 1, sha256Hash: hash };
    return forward(operation);
  });
}
