// `--load` with a Prometheus query_range response (simulator/profiles.ts prometheusProfile): the
// format prometheus/prometheus documents in docs/querying/api.md ("Range queries" return
// `resultType: matrix`; each series `{metric: {labels}, values: [[<unix_time>, "<sample_value>"]]}`).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { serviceModel } from "../../simulator/service-model";
import { prometheusProfile } from "../../simulator/profiles";
import { simulate } from "../../simulator/run";
import { loadFileProfile } from "../../tools/load-file";
import { stackConfig } from "../helpers/stacks";

const FIXTURE = path.join(__dirname, "..", "fixtures", "prometheus", "query_range.json");
const SERVICES = ["agent-orchestrator", "model-orchestration", "api-gateway", "web-dashboard"];

const response = (result: unknown[], resultType = "matrix") =>
    JSON.stringify({ status: "success", data: { resultType, result } });

describe("simulator: Prometheus query_range as --load", () => {
    const config = stackConfig("production");
    const model = (name: string) => serviceModel(config, name);

    it("maps each series to the service its `service` label names, time from the first sample, linear between samples", () => {
        const loaded = prometheusProfile(fs.readFileSync(FIXTURE, "utf8"), SERVICES);
        assert.equal(loaded.durationSeconds, 30 * 60);
        const gateway = SERVICES.indexOf("api-gateway");
        assert.equal(loaded.load(model("api-gateway"), gateway, 0), 200);
        assert.equal(loaded.load(model("api-gateway"), gateway, 10 * 60), 500);
        assert.equal(loaded.load(model("api-gateway"), gateway, 9.5 * 60), 350, "halfway between 200 and 500");
    });

    it("adds up the series of one service (one per pod)", () => {
        const loaded = prometheusProfile(fs.readFileSync(FIXTURE, "utf8"), SERVICES);
        assert.equal(loaded.load(model("model-orchestration"), 1, 0), 60);
        assert.equal(loaded.load(model("model-orchestration"), 1, 30 * 60), 120);
    });

    it("leaves a service without a series at its base load (minReplicas x capacityPerPod)", () => {
        const loaded = prometheusProfile(fs.readFileSync(FIXTURE, "utf8"), SERVICES);
        assert.equal(loaded.load(model("agent-orchestrator"), 0, 600), 3 * 300);
    });

    it("another label names the service with --label", () => {
        const loaded = prometheusProfile(
            response([
                {
                    metric: { app: "api-gateway" },
                    values: [
                        [100, "7"],
                        [160, "9"],
                    ],
                },
            ]),
            SERVICES,
            "app",
        );
        assert.equal(loaded.load(model("api-gateway"), 2, 30), 8);
    });

    it("a series without the label is an error that shows its labels and how to fix the query", () => {
        assert.throws(
            () => prometheusProfile(response([{ metric: { pod: "x" }, values: [[0, "1"]] }]), SERVICES),
            /series 0 \(\{pod="x"\}\) has no "service" label to name its service: aggregate by it \(sum by \(service\) \(\.\.\.\)\) or name the label with --label/,
        );
    });

    it("a series naming no service of the stack is an error that lists them", () => {
        assert.throws(
            () => prometheusProfile(response([{ metric: { service: "billing" }, values: [[0, "1"]] }]), SERVICES),
            /names unknown service billing; services: agent-orchestrator, model-orchestration, api-gateway, web-dashboard/,
        );
    });

    it("refuses an instant query (vector), a failed response, and values Prometheus would not send", () => {
        assert.throws(
            () => prometheusProfile(response([], "vector"), SERVICES),
            /must hold a matrix result \(a query_range response\); got resultType "vector"/,
        );
        assert.throws(
            () =>
                prometheusProfile(
                    JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error" }),
                    SERVICES,
                ),
            /failed Prometheus response \(status "error": bad_data: parse error\)/,
        );
        assert.throws(
            () => prometheusProfile(response([{ metric: { service: "api-gateway" }, values: [[0, "NaN"]] }]), SERVICES),
            /value 0 \(\[0,"NaN"\]\) must be \[unix seconds, "non-negative number"\]/,
        );
        assert.throws(() => prometheusProfile(response([]), SERVICES), /holds no series/);
    });

    it("--load reads a .json file as Prometheus and names the file in its errors; the run replays it", () => {
        const loaded = loadFileProfile(FIXTURE, SERVICES, {}, { cwd: process.cwd() });
        assert.equal(loaded.name, "query_range");
        const result = simulate(config, loaded);
        const gateway = result.services.find((run) => run.model.name === "api-gateway")!;
        assert.ok(
            gateway.scaleEvents.some((event) => event.to > event.from),
            "api-gateway scales up for the 500 requests/s",
        );
        const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "load-")), "bad.json");
        fs.writeFileSync(bad, response([{ metric: {}, values: [[0, "1"]] }]));
        assert.throws(
            () => loadFileProfile(bad, SERVICES, {}, { cwd: path.dirname(bad) }),
            (error: Error) => error.message.startsWith(`--load bad.json: series 0 (no labels) has no "service" label`),
        );
    });
});
