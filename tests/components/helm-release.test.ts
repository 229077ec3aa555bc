// components/helm-release.ts: the arguments every Helm release of the program is installed with.
import { strict as assert } from "assert";
import { releaseSpecs } from "../../components/addons";
import { releaseArgs } from "../../components/helm-release";
import { stackConfig } from "../helpers/stacks";

describe("a Helm release's arguments", () => {
    const production = stackConfig("production");

    it("create no namespace (the program owns monitoring, with Pod Security labels), wait for readiness and roll back a failed install", () => {
        for (const spec of releaseSpecs(production)) {
            const args = releaseArgs(spec);
            assert.equal(args.createNamespace, false, spec.name);
            assert.equal(args.name, spec.name);
            assert.deepEqual(args.repositoryOpts, { repo: spec.repo });
            assert.equal(args.skipAwait, false);
            assert.equal(args.atomic, true);
            assert.equal(args.cleanupOnFail, true);
        }
    });
});
