import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The apps are separate bundles: each may use lib/ and components/, never another app's folder.
      "no-restricted-imports": ["error", { patterns: ["@/app/*", "@/panel/*", "@/site/*", "../app/*", "../panel/*", "../site/*"] }],
    },
  },
  // The story runs in node and hands some functions to the page (addInitScript, evaluate).
  { files: ["e2e/**/*.mjs"], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
);
