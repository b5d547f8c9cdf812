import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// The bulletproof-react layout (docs/web.md): src/app/<app> composes features; a feature (src/features/<name>)
// uses only itself and the shared layers (components, hooks, lib, types); the shared layers use no feature and no
// app. These zones are enforced here with ESLint's own no-restricted-imports, one block per folder.
const features = ["events", "tickets", "orders", "checkin", "organizer", "identity"];
const apps = ["mini-app", "panel", "site"];

const noRelativeEscape = { group: ["../../*"], message: "Import across folders with @/ (relative imports stay inside a feature or app)." };

function zone(files, forbidden, message) {
  return {
    files,
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: forbidden, message }, noRelativeEscape] }],
    },
  };
}

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/types/api.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  // Shared layers: no feature, no app.
  zone(["src/components/**", "src/hooks/**", "src/lib/**", "src/types/**"], ["@/features/*", "@/app/*"], "Shared code must not depend on a feature or an app."),
  // Each feature: no other feature, no app.
  ...features.map((f) =>
    zone(
      [`src/features/${f}/**`],
      [...features.filter((o) => o !== f).map((o) => `@/features/${o}`), ...features.filter((o) => o !== f).map((o) => `@/features/${o}/*`), "@/app/*"],
      `A feature must not import another feature or an app (compose them in src/app): ${f}`,
    ),
  ),
  // Each app: features and shared layers, not another app.
  ...apps.map((a) =>
    zone(
      [`src/app/${a}/**`],
      apps.filter((o) => o !== a).map((o) => `@/app/${o}/*`),
      `Apps are separate bundles: ${a} must not import another app.`,
    ),
  ),
  // The story runs in node and hands some functions to the page (addInitScript, evaluate).
  { files: ["e2e/**/*.mjs"], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
);
