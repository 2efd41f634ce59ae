#!/usr/bin/env node
// Validates OpenAPI documents (JSON or YAML files) with
// @seriousme/openapi-schema-validator: the OpenAPI Initiative's JSON
// Schemas run by Ajv, plus its check that every $ref resolves. It shares
// no code with kin-openapi, which generates and checks Portico's
// documents, so each catches what the other misses.
//
//   node tools/openapi-validate/validate.mjs FILE...
//
// Prints "ok FILE" per valid file and the errors of the others; exits 1
// when any file is invalid, 2 on usage errors. OPENAPI_VERSION (default
// 3.1) is the major.minor every file must declare.
import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";
import { parse } from "yaml";

async function check(file) {
	let spec;
	try {
		// YAML 1.2 is a superset of JSON: one parser reads both.
		spec = parse(await readFile(file, "utf8"));
	} catch (err) {
		return [`cannot read: ${err.message}`];
	}
	if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
		return ["not an object"];
	}
	const validator = new Validator();
	const res = await validator.validate(quoteData(spec, "other"));
	if (!res.valid) {
		const errors = Array.isArray(res.errors) ? res.errors : [res.errors];
		return errors.map((e) =>
			typeof e === "object" && e !== null
				? `${e.instancePath || "/"}: ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`
				: String(e),
		);
	}
	if (validator.version !== want) {
		return [`declares OpenAPI ${validator.version}, want ${want}`];
	}
	return [];
}

// The validator's reference check takes every "$ref" member anywhere for a
// reference, even inside a schema's default or an example, where it is
// plain data (a profile may well document a document holding "$ref").
// quoteData copies the document with such members inside data renamed;
// the OpenAPI schemas allow any value there, so validity is unchanged.
const pointerWords = new Set(["$ref", "$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$schema"]);
const schemaKeys = new Set([
	"schema", "items", "additionalProperties", "not", "if", "then", "else", "contains",
	"propertyNames", "unevaluatedProperties", "unevaluatedItems", "contentSchema", "additionalItems",
]);
const schemaMapKeys = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
const schemaListKeys = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const schemaDataKeys = new Set(["default", "const", "enum", "examples", "example"]);
// Maps whose keys are names chosen by the author, not keywords.
const namedMapKeys = new Set([
	"paths", "webhooks", "parameters", "responses", "headers", "requestBodies", "securitySchemes",
	"links", "callbacks", "pathItems", "content", "encoding", "variables",
]);

// kind: "schema", "schemaMap" (schemas by name), "other" (any other
// OpenAPI object), "named" (a map of named objects), "examples" (Example
// Objects by name), "example" (one Example Object) or "data".
function quoteData(v, kind) {
	if (Array.isArray(v)) {
		// Operation and path parameters are a list, not a named map.
		return v.map((x) => quoteData(x, kind === "named" ? "other" : kind));
	}
	if (v === null || typeof v !== "object") {
		return v;
	}
	const out = {};
	for (const [k, x] of Object.entries(v)) {
		if (kind === "data") {
			out[pointerWords.has(k) ? `data:${k}` : k] = quoteData(x, "data");
		} else if (kind === "named") {
			out[k] = quoteData(x, "other");
		} else if (kind === "schemaMap") {
			out[k] = quoteData(x, "schema");
		} else if (kind === "examples") {
			out[k] = quoteData(x, "example");
		} else if (kind === "example") {
			out[k] = quoteData(x, k === "value" ? "data" : "other");
		} else if (kind === "schema") {
			out[k] = quoteData(x, schemaChild(k) ?? (schemaDataKeys.has(k) ? "data" : "other"));
		} else {
			out[k] = quoteData(x, otherChild(k));
		}
	}
	return out;
}

function schemaChild(k) {
	if (schemaKeys.has(k) || schemaListKeys.has(k)) {
		return "schema";
	}
	if (schemaMapKeys.has(k)) {
		return "schemaMap";
	}
	return undefined;
}

function otherChild(k) {
	if (k === "schemas") {
		return "schemaMap";
	}
	if (k === "schema") {
		return "schema";
	}
	if (k === "example") {
		return "data";
	}
	if (k === "examples") {
		return "examples";
	}
	if (namedMapKeys.has(k)) {
		return "named";
	}
	return "other";
}

// Runs last: the tables above must be initialised first.
const files = process.argv.slice(2);
if (files.length === 0) {
	console.error("usage: node validate.mjs FILE...");
	process.exit(2);
}
const want = process.env.OPENAPI_VERSION || "3.1";

let failed = 0;
for (const file of files) {
	const problems = await check(file);
	if (problems.length === 0) {
		console.log(`ok ${file}`);
		continue;
	}
	failed++;
	console.error(`INVALID ${file}`);
	for (const p of problems) {
		console.error(`  ${p}`);
	}
}
process.exit(failed > 0 ? 1 : 0);
