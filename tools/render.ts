// `npm run render -- <stack>`: runs the program offline against the mock engine with the stack's
// real config, prints the component tree, and writes every Kubernetes object as YAML and every
// resource as JSON under out/<stack>/. Values only the cloud can assign read `<computed:...>`.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { drainAudit, formatDrainAudit } from "../capacity/drain";
import { headroomPods } from "../capacity/headroom";
import { formatBill } from "../capacity/bill";
import { formatCapacityTable } from "../capacity/findings";
import { platformPods } from "../catalog/platform-pods";
import { renderReleases } from "../components/addons";
import { preflight, PreflightResult } from "../preflight";
import {
    DeclaredResource,
    MockRun,
    ProgramFailed,
    Program,
    RegisteredResource,
    runWithMocks,
    withoutStackTraces,
} from "./mock-engine";
import {
    Command,
    CommandContext,
    CommandError,
    displayPath,
    ParsedArgs,
    removeStaleResults,
    runAsProcess,
} from "./cli";
import { PROJECT_DIR, readStackFile, runtimeConfig, stackArgument } from "./stack-files";

/** Kubernetes objects the program declares, as manifests (providers and Helm releases aside). */
export function kubernetesManifests(registered: readonly RegisteredResource[]): Record<string, any>[] {
    return registered
        .filter(
            (resource) =>
                resource.type.startsWith("kubernetes:") &&
                resource.inputs.kind !== undefined &&
                !resource.type.startsWith("kubernetes:helm.sh/"),
        )
        .map((resource) => resource.inputs);
}

/** The component tree, one line per resource, children indented under their parents. */
export function resourceTree(run: MockRun): string {
    const key = (resource: { type: string; name: string }) => `${resource.type}::${resource.name}`;
    const children = new Map<string, DeclaredResource[]>();
    for (const resource of run.declared) {
        const parentKey = resource.parent ? key(resource.parent) : "";
        children.set(parentKey, [...(children.get(parentKey) ?? []), resource]);
    }
    const lines: string[] = [];
    const walk = (node: DeclaredResource, depth: number) => {
        const remote = node.type.startsWith("eks:index:")
            ? "  (packaged component: the eks provider creates its resources)"
            : "";
        lines.push(`${"  ".repeat(depth)}${node.type}  ${node.name}${remote}`);
        for (const child of children.get(key(node)) ?? []) {
            walk(child, depth + 1);
        }
    };
    (children.get("") ?? []).forEach((root) => walk(root, 0));
    return lines.join("\n");
}

/**
 * The scaling observability as declared: the PrometheusRule as YAML and an outline of the Grafana
 * dashboard (one line per panel).
 */
export function monitoringSummary(registered: readonly RegisteredResource[]): string {
    const sections: string[] = [];
    for (const rule of registered.filter((resource) => resource.inputs.kind === "PrometheusRule")) {
        sections.push(
            `# PrometheusRule ${rule.inputs.metadata.namespace}/${rule.inputs.metadata.name}`,
            YAML.stringify(rule.inputs, { lineWidth: 0 }),
        );
    }
    for (const configMap of registered.filter(
        (resource) => resource.inputs.kind === "ConfigMap" && resource.inputs.metadata?.labels?.grafana_dashboard,
    )) {
        for (const [file, text] of Object.entries(configMap.inputs.data as Record<string, string>)) {
            const dashboard = JSON.parse(text) as {
                title: string;
                uid: string;
                panels: { type: string; title: string; targets?: unknown[] }[];
            };
            sections.push(
                `# Grafana dashboard "${dashboard.title}" (uid ${dashboard.uid}) in ConfigMap ` +
                    `${configMap.inputs.metadata.namespace}/${configMap.inputs.metadata.name} (${file}), ${dashboard.panels.length} panels`,
            );
            for (const panel of dashboard.panels) {
                sections.push(
                    panel.type === "row"
                        ? `## ${panel.title}`
                        : `  - ${panel.title} (${panel.targets?.length ?? 0} queries)`,
                );
            }
        }
    }
    return sections.length > 0
        ? sections.join("\n")
        : "(no scaling rules or dashboard: addons.monitoring turns them off)";
}

export async function loadProgram(): Promise<Program> {
    const module = (await import("../index")) as unknown as { default?: Program } & Program;
    return module.default ?? module;
}

/** The files `render` writes under out/<stack>/ (and the only ones it ever removes there). */
export const RENDER_FILES = ["kubernetes.yaml", "resources.json", "outputs.json"] as const;

export async function render(
    stack: string,
    outDir = path.join(PROJECT_DIR, "out", stack),
    projectDir = PROJECT_DIR,
): Promise<MockRun> {
    const config = runtimeConfig(readStackFile(stack, projectDir));
    const run = await withoutStackTraces(() => runWithMocks({ stack, config, loadProgram }));
    // Only render's own files: out/<stack>/ also holds other commands' results (simulation/).
    fs.mkdirSync(outDir, { recursive: true });
    const manifests = kubernetesManifests(run.registered);
    fs.writeFileSync(
        path.join(outDir, "kubernetes.yaml"),
        manifests.map((manifest) => YAML.stringify(manifest, { lineWidth: 0 })).join("---\n"),
    );
    fs.writeFileSync(
        path.join(outDir, "resources.json"),
        JSON.stringify(
            run.registered.map(({ type, name, id, inputs }) => ({ type, name, id, inputs })),
            null,
            2,
        ),
    );
    fs.writeFileSync(path.join(outDir, "outputs.json"), JSON.stringify(run.outputs, null, 2));
    return run;
}

export const RENDER: Command = {
    name: "render",
    summary:
        "Runs the program offline against the mock engine with the stack's config, as `pulumi preview` would, and prints the\n" +
        "component tree, the warnings preview would log, the capacity table, the Helm releases and the scaling rules.",
    positionals: [stackArgument()],
    options: [],
    details:
        `Writes out/<stack>/${RENDER_FILES.join(", ")} (other files under out/<stack>/ are left alone).\n` +
        "Exit codes: 0 rendered; 1 the program refused the config (an earlier render's files for the stack are removed); 2 a usage mistake.",
};

/** What render ends with: the errors and warnings preview would give, and each file written with what it holds. */
export function renderSummary(
    summary: { errors: number; warnings: number; files: readonly (readonly [string, string])[] },
    context: Pick<CommandContext, "cwd">,
): string {
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
    return [
        `${count(summary.errors, "error")}, ${count(summary.warnings, "warning")}${summary.warnings > 0 ? " (listed above, as pulumi preview would log them)" : ""}`,
        "wrote:",
        ...summary.files.map(([file, holds]) => `  ${displayPath(file, context)}: ${holds}`),
    ].join("\n");
}

export async function renderMain(args: ParsedArgs, context: CommandContext): Promise<number> {
    const stack = args.positionals.stack!;
    const started = process.hrtime.bigint();
    const outDir = path.join(context.projectDir, "out", stack);
    let run: MockRun;
    try {
        run = await render(stack, outDir, context.projectDir);
    } catch (failure) {
        const error = failure instanceof ProgramFailed ? failure.error : failure;
        const refused = pulumi.RunError.isInstance(error as Error) || error instanceof CommandError;
        if (!refused) throw error;
        const registered =
            failure instanceof ProgramFailed ? `\n(no resources registered: ${failure.registered.length})` : "";
        const removed = removeStaleResults(outDir, RENDER_FILES, "render", context);
        throw new CommandError(`${(error as Error).message}${registered}${removed !== "" ? `\n${removed}` : ""}`);
    }
    const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
    // The program has accepted this config, so it parses.
    const file = readStackFile(stack, context.projectDir);
    const { config, capacity } = preflight(file.projectConfig, file.context) as PreflightResult & { ok: true };
    const log = (text: string) => context.out(`${text}\n`);
    const heading = (title: string) => `\n${"=".repeat(100)}\n${title}\n${"=".repeat(100)}`;
    log(heading(`Stack ${stack}: ${run.registered.length} resources (offline, mock engine)`));
    log(resourceTree(run));
    log(heading(`Warnings pulumi preview would log (${run.warnings.length})`));
    log(run.warnings.map((warning) => `warning: ${warning}`).join("\n") || "none");
    log(heading("Capacity (also the stack output `capacity`)"));
    log(formatCapacityTable(capacity.report, capacity.findings));
    log(formatBill(capacity.report.bill));
    log(heading("Drain audit (catalog/platform-pods.ts, capacity/drain.ts)"));
    const pods = [...platformPods(config), ...headroomPods(config)];
    log(formatDrainAudit(drainAudit(pods, config.addons.clusterAutoscaler), config.addons.clusterAutoscaler));
    log(heading("Helm releases (chart, version, namespace, values)"));
    log(renderReleases(config));
    log(heading("Scaling rules and dashboard"));
    log(monitoringSummary(run.registered));
    log(`\nRendered in ${milliseconds.toFixed(0)} ms`);
    log(heading("Summary"));
    log(
        renderSummary(
            {
                errors: capacity.findings.filter((finding) => finding.severity === "error").length,
                warnings: run.warnings.length,
                files: [
                    [
                        path.join(outDir, "kubernetes.yaml"),
                        `${kubernetesManifests(run.registered).length} Kubernetes objects`,
                    ],
                    [path.join(outDir, "resources.json"), `${run.registered.length} resources with their inputs`],
                    [path.join(outDir, "outputs.json"), `${Object.keys(run.outputs).length} stack outputs`],
                ],
            },
            context,
        ),
    );
    return 0;
}

if (require.main === module) {
    runAsProcess(RENDER, renderMain);
}
