import { createHash } from "node:crypto";

import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";

// Typed operations from the API's SDL and the web app's own .graphql documents. Codegen
// validates every document against the SDL (an unknown field fails the build), and
// `npm run codegen:check` fails when src/gql/ is stale.
//
// Persisted documents: every operation gets its hash in `__meta__.hash` and
// src/gql/persisted-documents.json maps hash → document text. The API trusts that manifest
// (app/graphql/engine/persisted.py) and the Apollo client sends the hash instead of the text
// (src/apollo/client.ts). The hash is the plain hex SHA-256 of the manifest's text (what
// Apollo's automatic persisted queries use; codegen's default would prefix it "sha256:").
// `__typename` is added to every selection here, as Apollo's cache would add it on the way
// out, so the manifest's document is the one the cache expects answers to.
const config: CodegenConfig = {
  schema: "../schema/schema.graphql",
  documents: ["src/**/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: {
          mode: "embedHashInDocument",
          hashAlgorithm: (document: string) => createHash("sha256").update(document).digest("hex"),
        },
      },
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        useTypeImports: true,
        nonOptionalTypename: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { Date: "string", DateTime: "string", Decimal: "string" },
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
  },
};
export default config;
