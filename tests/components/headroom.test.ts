// The Headroom component (components/headroom.ts, docs/headroom.md): the pause Deployment, its
// namespace and PriorityClass, and the stack output, from a mocked run of the production fixture
// with the issue's headroom (8 CPU, 16Gi) and one without.
import { strict as assert } from "assert";
import { headroomPlan } from "../../capacity/headroom";
import { MockRun } from "../../tools/mock-engine";
import { kubernetesObject, runStack } from "../helpers/program";
import { ISSUE_HEADROOM, withHeadroom } from "../helpers/stacks";

describe("Headroom: the placeholder pods as the program renders them", function () {
    this.timeout(120000);
    let run: MockRun;
    let off: MockRun;
    before(async () => {
        run = await runStack("production", {
            configOverrides: { "berrys-platform:addons": { clusterAutoscaler: { headroom: ISSUE_HEADROOM } } },
        });
        off = await runStack("production");
    });

    it("a pause Deployment in its own namespace, at the headroom priority, never preempting", () => {
        const plan = headroomPlan(withHeadroom())!;
        const deployment = kubernetesObject(run, "Deployment", "headroom");
        assert.equal(deployment.metadata.namespace, "berrys-headroom");
        assert.equal(deployment.spec.replicas, plan.units);
        const pod = deployment.spec.template.spec;
        assert.equal(pod.terminationGracePeriodSeconds, 0, "preempted placeholders free their room at once");
        assert.deepEqual(pod.containers[0].resources, {
            requests: { cpu: plan.unit.cpu, memory: plan.unit.memory },
            limits: { cpu: plan.unit.cpu, memory: plan.unit.memory },
        });
        const priorityClass = kubernetesObject(run, "PriorityClass", pod.priorityClassName);
        assert.equal(priorityClass.preemptionPolicy, "Never");
        assert.equal(priorityClass.value, -10, "the headroom class (tests/catalog/headroom.test.ts: why -10)");
        const namespace = kubernetesObject(run, "Namespace", "berrys-headroom");
        assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.ok(
            !run.registered.some(
                (resource) =>
                    resource.inputs.kind === "ResourceQuota" &&
                    resource.inputs.metadata?.namespace === "berrys-headroom",
            ),
        );
    });

    it("the stack output `headroom`: what is kept and how; null when off", () => {
        const plan = headroomPlan(withHeadroom())!;
        assert.deepEqual(run.outputs.headroom, {
            namespace: "berrys-headroom",
            priorityClass: "berrys-headroom",
            cpu: "8",
            memory: "16Gi",
            units: plan.units,
            unit: { cpu: plan.unit.cpu, memory: plan.unit.memory },
        });
        assert.equal(off.outputs.headroom, null);
        assert.ok(
            !off.registered.some(
                (resource) => resource.inputs.kind === "Deployment" && resource.inputs.metadata?.name === "headroom",
            ),
        );
    });
});
