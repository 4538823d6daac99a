import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed operations from the API's SDL and the web app's own .graphql documents. Codegen
// validates every document against the SDL (an unknown field fails the build), and
// `npm run codegen:check` fails when src/gql/ is stale.
const config: CodegenConfig = {
  schema: "../schema/schema.graphql",
  documents: ["src/**/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
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
