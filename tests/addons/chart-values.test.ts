// Every values key the program sets is a key the pinned chart reads: Helm silently ignores a
// misspelt key. Checked against copies of each chart's default values.yaml (tests/fixtures/charts,
// same versions as the program pins), for both Prometheus modes.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { releaseSpecs } from "../../components/addons";
import type { ReleaseSpec } from "../../components/helm-release";
import { PlatformConfig } from "../../config";
import { checkConfig } from "../../preflight";
import { fixtureStack, stackConfig } from "../helpers/stacks";

const CHARTS_DIR = path.join(__dirname, "..", "fixtures", "charts");

/** The versions the fixtures are copies of (tests/fixtures/charts/README.md). */
const FIXTURE_VERSIONS: Record<string, string> = {
    "cluster-autoscaler": "9.59.0",
    "metrics-server": "3.13.1",
    "prometheus-adapter": "5.3.0",
    "kube-prometheus-stack": "88.5.3",
};

interface ChartKeyRules {
    /** Keys whose contents the chart passes through as-is (the key itself must exist). */
    readonly free: readonly string[];
    /** Keys the chart documents only in a comment: the line of its values.yaml that documents each. */
    readonly documented: Readonly<Record<string, string>>;
    /** Keys of a subchart, whose values.yaml is not among the fixtures: where they are documented. */
    readonly subchart?: Readonly<Record<string, string>>;
}

const RULES: Record<string, ChartKeyRules> = {
    "cluster-autoscaler": {
        free: ["extraArgs", "resources", "serviceMonitor.selector", "podAnnotations", "nodeSelector"],
        documented: {},
    },
    "metrics-server": {
        free: ["resources", "podAnnotations", "nodeSelector"],
        documented: {},
    },
    "prometheus-adapter": {
        free: ["resources", "podAnnotations", "nodeSelector"],
        documented: {},
    },
    "kube-prometheus-stack": {
        free: [
            "prometheus.prometheusSpec.resources",
            "defaultRules.disabled",
            // Label selectors (values.yaml comments each with `matchLabels`; a LabelSelector takes matchExpressions too).
            ...["serviceMonitor", "podMonitor", "probe", "rule", "scrapeConfig"].map(
                (kind) => `prometheus.prometheusSpec.${kind}NamespaceSelector`,
            ),
        ],
        documented: {
            "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate": "    #  volumeClaimTemplate:",
            "prometheus.prometheusSpec.podMetadata.annotations":
                "    ## Metadata Labels and Annotations gets propagated to the prometheus pods.",
            "alertmanager.alertmanagerSpec.podMetadata.annotations":
                "    ## Metadata Labels and Annotations gets propagated to the Alertmanager pods.",
            "prometheusOperator.priorityClassName": '  # priorityClassName: ""',
        },
        subchart: {
            "kube-state-metrics.priorityClassName":
                'kube-state-metrics chart 8.4.0 (prometheus-community/helm-charts charts/kube-state-metrics/values.yaml `# priorityClassName: ""`, templates/deployment.yaml `.Values.priorityClassName`), the dependency of kube-prometheus-stack 88.5.3',
            "grafana.podAnnotations":
                "grafana chart 12.11.1 (grafana-community/helm-charts charts/grafana/values.yaml `podAnnotations: {}`), the dependency of kube-prometheus-stack 88.5.3",
            "grafana.rbac.namespaced": "grafana chart 12.11.1 values.yaml `rbac.namespaced: false`",
        },
    },
};

function isMap(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Keys of `values` that the chart's defaults neither have nor document, as dotted paths. */
function unknownKeys(values: Record<string, unknown>, defaults: unknown, rules: ChartKeyRules, prefix = ""): string[] {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const at = prefix ? `${prefix}.${key}` : key;
        if (at in rules.documented || at in (rules.subchart ?? {})) {
            continue;
        }
        if (!isMap(defaults) || !Object.prototype.hasOwnProperty.call(defaults, key)) {
            problems.push(at);
            continue;
        }
        const fallback = defaults[key];
        if (rules.free.includes(at) || !isMap(value)) {
            continue;
        }
        problems.push(...unknownKeys(value, fallback, rules, at));
    }
    return problems;
}

function withAddons(config: PlatformConfig, addons: Record<string, unknown>): PlatformConfig {
    const file = fixtureStack(config.stack);
    const result = checkConfig({ ...file.projectConfig, addons }, file.context);
    if (!result.ok) {
        throw new Error(result.errors.join("\n"));
    }
    return result.config;
}

describe("chart values keys (against tests/fixtures/charts)", () => {
    const production = stackConfig("production");
    const external = withAddons(production, {
        prometheus: {
            mode: "external",
            url: "http://prometheus-operated.observability.svc:9090",
            selectorLabels: { team: "platform" },
        },
    });
    const noGrafana = withAddons(production, { prometheus: { mode: "install", grafana: false } });
    const specs: ReleaseSpec[] = [...releaseSpecs(production), ...releaseSpecs(external), ...releaseSpecs(noGrafana)];
    const defaults = (chart: string) =>
        YAML.parse(fs.readFileSync(path.join(CHARTS_DIR, `${chart}.values.yaml`), "utf8"));

    it("the fixtures are the versions the program pins by default", () => {
        const readme = fs.readFileSync(path.join(CHARTS_DIR, "README.md"), "utf8");
        for (const spec of releaseSpecs(production)) {
            assert.equal(spec.version, FIXTURE_VERSIONS[spec.chart], spec.chart);
            assert.match(
                readme,
                new RegExp(`\\| ${spec.chart} \\| ${spec.repo.replace(/[/.]/g, "\\$&")} \\| ${spec.version} \\|`),
            );
        }
    });

    for (const chart of Object.keys(FIXTURE_VERSIONS)) {
        it(`every values key set on ${chart} is in its ${FIXTURE_VERSIONS[chart]} values.yaml`, () => {
            const mine = specs.filter((spec) => spec.chart === chart);
            assert.ok(mine.length > 0, `no release of ${chart}`);
            for (const spec of mine) {
                assert.deepEqual(
                    unknownKeys(spec.values, defaults(chart), RULES[chart]),
                    [],
                    `${chart}: keys the chart does not read`,
                );
            }
        });

        it(`every ${chart} key allowed from a comment is documented by that line`, () => {
            const text = fs.readFileSync(path.join(CHARTS_DIR, `${chart}.values.yaml`), "utf8").split("\n");
            for (const [key, line] of Object.entries(RULES[chart].documented)) {
                assert.ok(text.includes(line), `${key}: line not found: ${line}`);
            }
        });
    }

    it("the key check catches a misspelt key, and a nested one", () => {
        const ca = defaults("cluster-autoscaler");
        assert.deepEqual(
            unknownKeys({ autoDiscovery: { clustername: "x" }, priorityClass: "y" }, ca, RULES["cluster-autoscaler"]),
            ["autoDiscovery.clustername", "priorityClass"],
        );
        assert.deepEqual(unknownKeys({ extraArgs: { "any-flag": true } }, ca, RULES["cluster-autoscaler"]), []);
    });
});
