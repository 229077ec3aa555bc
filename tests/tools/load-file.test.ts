// tools/load-file.ts: the file `--load` names, read as a Prometheus response (JSON) or a CSV, with
// every error naming the file as the user typed it (relative to where npm ran).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { simulate } from "../../simulator/run";
import { loadFileProfile } from "../../tools/load-file";
import { PRODUCTION_SERVICES, PROMETHEUS_LOAD_FIXTURE, stackConfig } from "../helpers/stacks";

describe("loadFileProfile", () => {
    let cwd: string;
    beforeEach(() => {
        cwd = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-load-"));
    });
    afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

    it("reads a .json file as Prometheus, named after the file, and the run replays it", () => {
        const loaded = loadFileProfile(PROMETHEUS_LOAD_FIXTURE, PRODUCTION_SERVICES, {}, { cwd });
        assert.equal(loaded.name, "query_range");
        const result = simulate(stackConfig("production"), loaded);
        const gateway = result.services.find((run) => run.model.name === "api-gateway")!;
        assert.ok(
            gateway.scaleEvents.some((event) => event.to > event.from),
            "api-gateway scales up for the 500 requests/s",
        );
    });

    it("a Prometheus series without the service label is an error naming the file, and --label names another", () => {
        const text = JSON.stringify({
            status: "success",
            data: {
                resultType: "matrix",
                result: [
                    {
                        metric: { app: "api-gateway" },
                        values: [
                            [0, "1"],
                            [60, "2"],
                        ],
                    },
                ],
            },
        });
        fs.writeFileSync(path.join(cwd, "bad.json"), text);
        assert.throws(
            () => loadFileProfile("bad.json", PRODUCTION_SERVICES, {}, { cwd }),
            (error: Error) =>
                error.message.startsWith(`--load bad.json: series 0 ({app="api-gateway"}) has no "service" label`),
        );
        assert.equal(loadFileProfile("bad.json", PRODUCTION_SERVICES, { label: "app" }, { cwd }).name, "bad");
    });

    it("reads anything else as CSV, resolved against where npm ran; a missing file says where it looked", () => {
        fs.writeFileSync(path.join(cwd, "gateway.csv"), "seconds,load\n0,100\n300,200\n");
        const loaded = loadFileProfile("gateway.csv", PRODUCTION_SERVICES, { service: "api-gateway" }, { cwd });
        assert.equal(loaded.name, "gateway");
        assert.equal(loaded.durationSeconds, 300);
        assert.throws(
            () => loadFileProfile("nope.csv", PRODUCTION_SERVICES, {}, { cwd }),
            (error: Error) =>
                error.message === `--load nope.csv: no such file (looked for ${path.join(cwd, "nope.csv")})`,
        );
    });
});
