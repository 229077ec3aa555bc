// Config schema of `addons`: the Helm-installed scaling add-ons (issue 3 fills this in).
import { z } from "zod";

export const addonsSchema = z.strictObject({}).prefault({});
