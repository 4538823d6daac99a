// TODO(signOutSession): a hand-written stand-in for what codegen will generate from
// signOutSession.graphql.pending once `signOutSession` is in schema/schema.graphql.
// Then: rename signOutSession.graphql.pending → signOutSession.graphql, run codegen, delete this
// file, and in DevicesScreen.tsx import SignOutSessionWebDocument from "../../gql/graphql".
import type { TypedDocumentNode } from "@apollo/client";
import { parse } from "graphql";

import type { ErrorCode } from "../../gql/graphql";
import source from "./signOutSession.graphql.pending?raw";

export type SignOutSessionWebMutationVariables = { input: { id: string } };

export type SignOutSessionWebMutation = {
  __typename: "Mutation";
  signOutSession: {
    __typename: "SignOutSessionPayload";
    ok: boolean;
    userErrors: Array<{ __typename: "UserError"; field: Array<string> | null; message: string; code: ErrorCode }>;
  };
};

export const SignOutSessionWebDocument = parse(source) as unknown as TypedDocumentNode<
  SignOutSessionWebMutation,
  SignOutSessionWebMutationVariables
>;
