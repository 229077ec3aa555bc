// components/namespace-guardrails.ts: the namespace's Pod Security labels, its quota's name and the LimitRange defaults.
import { strict as assert } from "assert";
import { limitRangeSpec, podSecurityLabels, quotaName } from "../../components/namespace-guardrails";
import { stackConfig } from "../helpers/stacks";

describe("the namespace guardrails' spec builders", () => {
    it("enforces the configured Pod Security level and warns and audits at restricted", () => {
        assert.deepEqual(podSecurityLabels("baseline"), {
            "pod-security.kubernetes.io/enforce": "baseline",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": "latest",
        });
    });

    it("names the quota <namespace>-quota (seed) and gives containers that declare nothing default requests and limits", () => {
        assert.equal(quotaName("berrys-production"), "berrys-production-quota");
        assert.deepEqual(limitRangeSpec(stackConfig("production").namespace), {
            limits: [
                {
                    type: "Container",
                    defaultRequest: { cpu: "100m", memory: "128Mi" },
                    default: { cpu: "500m", memory: "512Mi" },
                },
            ],
        });
    });
});
