// Pulumi.yaml and the stack files, held to the Pulumi CLI's schema and config rules (the CLI is
// not here to check them; tests/fixtures/pulumi/README.md says where the rules come from).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import * as YAML from "yaml";
import { PROJECT } from "../config";
import { listStacks, PROJECT_DIR, readStackFile } from "../tools/stack-files";

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures/pulumi/project.schema.json"), "utf8"));
const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));

type Declaration = { type?: string; items?: unknown; default?: unknown; secret?: boolean };

/** The CLI's checks of one stack's values against the project's declarations. */
function configRuleViolations(
    config: Record<string, unknown>,
    declarations: Record<string, unknown>,
    stack: string,
): string[] {
    const problems: string[] = [];
    for (const [key, declaration] of Object.entries(declarations)) {
        const isProjectKey = !key.includes(":") || key.startsWith(`${PROJECT}:`);
        if (declaration === null || typeof declaration !== "object") {
            continue; // a plain value: a project-wide default, nothing to check
        }
        const typed = declaration as Declaration;
        if (!isProjectKey) {
            problems.push(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
            continue;
        }
        if (!["string", "integer", "boolean", "array"].includes(String(typed.type))) {
            problems.push(`${key}: type must be string, integer, boolean or array (got ${typed.type})`);
        }
        if (typed.type === "array" && typed.items === undefined) {
            problems.push(`${key}: an array declaration needs items`);
        }
        const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
        const value = config[fullKey];
        if (value === undefined && typed.default === undefined) {
            problems.push(`Stack '${stack}' is missing configuration value '${fullKey}'`);
        }
        const matches =
            value === undefined ||
            (typed.type === "array"
                ? Array.isArray(value)
                : typeof value === (typed.type === "integer" ? "number" : typed.type));
        if (!matches) {
            problems.push(`Stack '${stack}' with configuration key '${fullKey}' must be of type '${typed.type}'`);
        }
        if (
            typed.secret &&
            value !== undefined &&
            !(typeof value === "object" && value !== null && "secure" in value)
        ) {
            problems.push(`${fullKey} is declared secret and must be encrypted in the stack`);
        }
    }
    return problems;
}

describe("Pulumi project files", () => {
    it("Pulumi.yaml validates against Pulumi's project schema", () => {
        const ajv = new Ajv2020({ strict: false, allErrors: true });
        const validate = ajv.compile(schema);
        assert.ok(validate(project), JSON.stringify(validate.errors, null, 2));
    });

    it("the schema check can fail: a project without a runtime is rejected", () => {
        const ajv = new Ajv2020({ strict: false });
        assert.equal(ajv.validate(schema, { name: PROJECT }), false);
        assert.equal(ajv.validate(schema, { ...project, config: { cluster: { type: "object" } } }), false);
    });

    it("names the project berrys-platform, runs TypeScript on nodejs and refreshes before every operation", () => {
        assert.equal(project.name, PROJECT);
        assert.equal(project.runtime.name, "nodejs");
        assert.deepEqual(project.options, { refresh: "always" });
    });

    it("every stack file satisfies the CLI's config rules for the project's declarations", () => {
        const stacks = listStacks();
        assert.ok(stacks.length > 0, "no Pulumi.<stack>.yaml at the repository root");
        for (const stack of stacks) {
            const { config } = readStackFile(stack);
            assert.deepEqual(configRuleViolations(config, project.config ?? {}, stack), []);
        }
    });

    it("the config-rule check can fail: an object type, a foreign typed key and a missing value", () => {
        const problems = configRuleViolations(
            {},
            { services: { type: "object" }, "aws:region": { type: "string" }, tier: { type: "string" } },
            "production",
        );
        assert.equal(problems.length, 4, problems.join("\n"));
    });
});
