"use strict";
var __getOwnPropNames = Object.getOwnPropertyNames;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};

// node_modules/ajv/dist/runtime/ucs2length.js
var require_ucs2length = __commonJS({
  "node_modules/ajv/dist/runtime/ucs2length.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    function ucs2length(str) {
      const len = str.length;
      let length = 0;
      let pos = 0;
      let value;
      while (pos < len) {
        length++;
        value = str.charCodeAt(pos++);
        if (value >= 55296 && value <= 56319 && pos < len) {
          value = str.charCodeAt(pos);
          if ((value & 64512) === 56320)
            pos++;
        }
      }
      return length;
    }
    exports2.default = ucs2length;
    ucs2length.code = 'require("ajv/dist/runtime/ucs2length").default';
  }
});

// dist/src/spec/compiled-validator.cjs
module.exports = validate10;
module.exports.default = validate10;
var schema11 = { "$schema": "http://json-schema.org/draft-07/schema#", "$id": "https://cdn.jsdelivr.net/npm/manifold-oci@0.1.0/schemas/spec.schema.json", "title": "manifold spec: one multi-platform image index", "description": "A YAML document naming a target image, its extra tags and the per-platform images (children) that make up its index. A superset of manifest-tool's spec format: every manifest-tool spec is valid here with the same meaning. Several documents separated by '---' publish several indexes. String values may use $VAR, ${VAR} and ${VAR:-default} from the environment; $$ is a literal $.", "type": "object", "additionalProperties": false, "required": ["image", "manifests"], "patternProperties": { "^x-": { "description": "Extension keys (as in docker compose) are ignored: use them to hold YAML anchors for '<<' merge keys." } }, "properties": { "image": { "type": "string", "minLength": 1, "description": "The target: the index is pushed to this reference. Without a tag it means ':latest', as docker reads it.", "examples": ["registry.example.com/acme/app:1.2", "acme/app:1.2"] }, "targets": { "type": "array", "minItems": 1, "items": { "type": "string", "minLength": 1 }, "description": "More repositories to push the same index to, with its children and the same tags (e.g. ghcr.io/acme/app and quay.io/acme/app beside image). Repositories only: the tags come from image and tags.", "examples": [["ghcr.io/acme/app", "quay.io/acme/app"]] }, "tags": { "type": "array", "description": "Extra tags the same index is pushed under, besides the tag of 'image'. Write versions such as 3.10 as you mean them: manifold keeps the text.", "items": { "type": "string", "minLength": 1 }, "examples": [["1", "1.2", "latest"]] }, "minChildren": { "type": "integer", "minimum": 1, "description": "Refuse to publish (exit 3, nothing pushed) when fewer images than this would be in the index, e.g. after optional children were skipped. --min-children overrides it.", "examples": [3] }, "mediaType": { "type": "string", "enum": ["oci", "docker", "auto"], "default": "auto", "description": "Format of the pushed index: 'oci' (OCI image index), 'docker' (Docker manifest list v2.2) or 'auto' (a Docker list when every child is a Docker manifest and nothing OCI-only is asked for, else OCI)." }, "annotations": { "$ref": "#/definitions/annotations", "description": "Annotations of the index itself (OCI only), e.g. org.opencontainers.image.source." }, "artifactType": { "type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$", "description": "OCI only: the artifact type of the index (an IANA media type).", "examples": ["application/vnd.example.bundle.v1"] }, "subject": { "type": "string", "minLength": 1, "description": "OCI only: a reference (tag or digest, same repository as the target) to the manifest this index refers to; the registry's referrers API lists the index under it.", "examples": ["registry.example.com/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"] }, "verify": { "type": "string", "enum": ["config", "binaries"], "default": "config", "description": "What a child's platform is checked against before anything is pushed. 'config' (default): the image config. 'binaries': the config and the program the runtime would start (entrypoint or cmd, its #! interpreters and ELF loader), read from the layers' headers. An entry's own verify wins; --verify-binaries sets this for every document." }, "unverified": { "type": "string", "enum": ["warn", "error"], "default": "warn", "description": "With verify: binaries, what a child whose binaries could not be checked (no entrypoint, a foreign layer, over the byte budget) does: 'warn' (default) publishes with a warning, 'error' refuses the publish (--verify-strict)." }, "manifests": { "type": "array", "minItems": 1, "description": "The children, in the order they appear in the index (a runtime takes the first entry that matches its platform).", "items": { "$ref": "#/definitions/entry" } } }, "definitions": { "annotations": { "type": "object", "additionalProperties": { "type": "string" }, "propertyNames": { "minLength": 1 }, "examples": [{ "org.opencontainers.image.source": "https://example.com/acme/app" }] }, "entry": { "type": "object", "additionalProperties": false, "required": ["image"], "properties": { "image": { "type": "string", "minLength": 1, "description": "The child image: a tag, a digest, or tag@digest (the digest wins). It must be on the target's registry host.", "examples": ["registry.example.com/acme/app:1.2-arm64", "registry.example.com/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"] }, "platform": { "$ref": "#/definitions/platform", "description": "The platform this child is for: os, architecture, variant, os.version, os.features, features. Omit it (or leave it empty) to take the platform from the image config; when given, it must agree with the config." }, "annotations": { "$ref": "#/definitions/annotations", "description": "Annotations on this entry's descriptor in the index (OCI only)." }, "optional": { "type": "boolean", "default": false, "description": "When true, a child that does not exist is skipped with a warning instead of failing the publish." }, "overridePlatform": { "type": "boolean", "default": false, "description": "When true, the spec's platform is published even where the image config says otherwise (a warning is printed). Without it, a disagreement stops the publish before anything is pushed." }, "index": { "type": "string", "enum": ["flatten", "nest"], "default": "flatten", "description": "For a child that is itself an index: 'flatten' (default, as manifest-tool does) takes over its entries with their own platforms, attestations placed after the images; 'nest' puts the index in as one entry." }, "platforms": { "type": "array", "minItems": 1, "items": { "type": "string", "pattern": "^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9.]+)?$" }, "description": "For a child that is an index: take only the entries for these platforms (os/arch[/variant]), with the attestations that describe them.", "examples": [["linux/amd64", "linux/arm64/v8"]] }, "verify": { "type": "string", "enum": ["config", "binaries"], "description": "This child's check, over the document's verify: 'binaries' also checks the program the runtime would start against the platform; 'config' checks the image config only." }, "rewriteConfig": { "type": "boolean", "default": false, "description": "When true, the child's image config gets the spec's platform (os, architecture, variant, os.version, os.features): a new config and image manifest (same layers) are written to the target repository and the index lists the new manifest. Needs a platform with os and architecture; checks the binaries first, and refuses when they disagree with the spec. A config that already says the spec's platform is left as it is." } } }, "platform": { "type": "object", "additionalProperties": false, "dependencies": { "os": ["architecture"], "architecture": ["os"] }, "description": "The platform this child is for. Omit it (or leave it empty) to take the platform from the image config; when given, it must agree with the config. Give os and architecture together; without both, they come from the config and the other keys here still apply, as in manifest-tool.", "properties": { "architecture": { "type": "string", "minLength": 1, "description": "CPU architecture, as Go's GOARCH names it.", "examples": ["amd64", "arm64", "arm", "ppc64le", "s390x", "386", "riscv64"] }, "os": { "type": "string", "minLength": 1, "description": "Operating system, as Go's GOOS names it.", "examples": ["linux", "windows"] }, "variant": { "type": "string", "minLength": 1, "description": "CPU variant from the OCI image-index variant table: amd64 v1-v4, arm v5-v8, arm64 v8/v8.x/v9/v9.x, ppc64le power8.., riscv64 rva20u64...", "examples": ["v7", "v8"] }, "features": { "type": "array", "items": { "type": "string", "minLength": 1 }, "description": "CPU features. Written into Docker manifest lists, where the format defines the field; OCI indexes leave it out (the image-spec reserves it), as manifest-tool v2 does.", "examples": [["sse4"]] }, "os.version": { "type": "string", "minLength": 1, "description": "Operating system version (Windows build). Taken from the config when omitted.", "examples": ["10.0.20348.2527"] }, "os.features": { "type": "array", "items": { "type": "string", "minLength": 1 }, "description": "Operating system features, e.g. win32k.", "examples": [["win32k"]] }, "osversion": { "type": "string", "minLength": 1, "description": "manifest-tool's name for os.version; same meaning.", "examples": ["10.0.17763.1879"] }, "osfeatures": { "type": "array", "items": { "type": "string", "minLength": 1 }, "description": "manifest-tool's name for os.features; same meaning.", "examples": [["win32k"]] } } } } };
var func2 = Object.prototype.hasOwnProperty;
var func3 = require_ucs2length().default;
var pattern0 = new RegExp("^x-", "u");
var pattern1 = new RegExp("^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$", "u");
var schema13 = { "type": "object", "additionalProperties": false, "required": ["image"], "properties": { "image": { "type": "string", "minLength": 1, "description": "The child image: a tag, a digest, or tag@digest (the digest wins). It must be on the target's registry host.", "examples": ["registry.example.com/acme/app:1.2-arm64", "registry.example.com/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"] }, "platform": { "$ref": "#/definitions/platform", "description": "The platform this child is for: os, architecture, variant, os.version, os.features, features. Omit it (or leave it empty) to take the platform from the image config; when given, it must agree with the config." }, "annotations": { "$ref": "#/definitions/annotations", "description": "Annotations on this entry's descriptor in the index (OCI only)." }, "optional": { "type": "boolean", "default": false, "description": "When true, a child that does not exist is skipped with a warning instead of failing the publish." }, "overridePlatform": { "type": "boolean", "default": false, "description": "When true, the spec's platform is published even where the image config says otherwise (a warning is printed). Without it, a disagreement stops the publish before anything is pushed." }, "index": { "type": "string", "enum": ["flatten", "nest"], "default": "flatten", "description": "For a child that is itself an index: 'flatten' (default, as manifest-tool does) takes over its entries with their own platforms, attestations placed after the images; 'nest' puts the index in as one entry." }, "platforms": { "type": "array", "minItems": 1, "items": { "type": "string", "pattern": "^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9.]+)?$" }, "description": "For a child that is an index: take only the entries for these platforms (os/arch[/variant]), with the attestations that describe them.", "examples": [["linux/amd64", "linux/arm64/v8"]] }, "verify": { "type": "string", "enum": ["config", "binaries"], "description": "This child's check, over the document's verify: 'binaries' also checks the program the runtime would start against the platform; 'config' checks the image config only." }, "rewriteConfig": { "type": "boolean", "default": false, "description": "When true, the child's image config gets the spec's platform (os, architecture, variant, os.version, os.features): a new config and image manifest (same layers) are written to the target repository and the index lists the new manifest. Needs a platform with os and architecture; checks the binaries first, and refuses when they disagree with the spec. A config that already says the spec's platform is left as it is." } } };
var pattern2 = new RegExp("^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9.]+)?$", "u");
function validate11(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.image === void 0) {
      const err0 = { instancePath, schemaPath: "#/required", keyword: "required", params: { missingProperty: "image" }, message: "must have required property 'image'" };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func2.call(schema13.properties, key0)) {
        const err1 = { instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties" };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    if (data.image !== void 0) {
      let data0 = data.image;
      if (typeof data0 !== "string") {
        let dataType0 = typeof data0;
        let coerced0 = void 0;
        if (!(coerced0 !== void 0)) {
          if (dataType0 == "number" || dataType0 == "boolean") {
            coerced0 = "" + data0;
          } else if (data0 === null) {
            coerced0 = "";
          } else {
            const err2 = { instancePath: instancePath + "/image", schemaPath: "#/properties/image/type", keyword: "type", params: { type: "string" }, message: "must be string" };
            if (vErrors === null) {
              vErrors = [err2];
            } else {
              vErrors.push(err2);
            }
            errors++;
          }
        }
        if (coerced0 !== void 0) {
          data0 = coerced0;
          if (data !== void 0) {
            data["image"] = coerced0;
          }
        }
      }
      if (typeof data0 === "string") {
        if (func3(data0) < 1) {
          const err3 = { instancePath: instancePath + "/image", schemaPath: "#/properties/image/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
      }
    }
    if (data.platform !== void 0) {
      let data1 = data.platform;
      if (data1 && typeof data1 == "object" && !Array.isArray(data1)) {
        for (const key1 in data1) {
          if (!(key1 === "architecture" || key1 === "os" || key1 === "variant" || key1 === "features" || key1 === "os.version" || key1 === "os.features" || key1 === "osversion" || key1 === "osfeatures")) {
            const err4 = { instancePath: instancePath + "/platform", schemaPath: "#/definitions/platform/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key1 }, message: "must NOT have additional properties" };
            if (vErrors === null) {
              vErrors = [err4];
            } else {
              vErrors.push(err4);
            }
            errors++;
          }
        }
        if (data1.os !== void 0) {
          if (data1.architecture === void 0) {
            const err5 = { instancePath: instancePath + "/platform", schemaPath: "#/definitions/platform/dependencies", keyword: "dependencies", params: {
              property: "os",
              missingProperty: "architecture",
              depsCount: 1,
              deps: "architecture"
            }, message: "must have property architecture when property os is present" };
            if (vErrors === null) {
              vErrors = [err5];
            } else {
              vErrors.push(err5);
            }
            errors++;
          }
        }
        if (data1.architecture !== void 0) {
          if (data1.os === void 0) {
            const err6 = { instancePath: instancePath + "/platform", schemaPath: "#/definitions/platform/dependencies", keyword: "dependencies", params: {
              property: "architecture",
              missingProperty: "os",
              depsCount: 1,
              deps: "os"
            }, message: "must have property os when property architecture is present" };
            if (vErrors === null) {
              vErrors = [err6];
            } else {
              vErrors.push(err6);
            }
            errors++;
          }
        }
        if (data1.architecture !== void 0) {
          let data2 = data1.architecture;
          if (typeof data2 !== "string") {
            let dataType1 = typeof data2;
            let coerced1 = void 0;
            if (!(coerced1 !== void 0)) {
              if (dataType1 == "number" || dataType1 == "boolean") {
                coerced1 = "" + data2;
              } else if (data2 === null) {
                coerced1 = "";
              } else {
                const err7 = { instancePath: instancePath + "/platform/architecture", schemaPath: "#/definitions/platform/properties/architecture/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                  vErrors = [err7];
                } else {
                  vErrors.push(err7);
                }
                errors++;
              }
            }
            if (coerced1 !== void 0) {
              data2 = coerced1;
              if (data1 !== void 0) {
                data1["architecture"] = coerced1;
              }
            }
          }
          if (typeof data2 === "string") {
            if (func3(data2) < 1) {
              const err8 = { instancePath: instancePath + "/platform/architecture", schemaPath: "#/definitions/platform/properties/architecture/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
              if (vErrors === null) {
                vErrors = [err8];
              } else {
                vErrors.push(err8);
              }
              errors++;
            }
          }
        }
        if (data1.os !== void 0) {
          let data3 = data1.os;
          if (typeof data3 !== "string") {
            let dataType2 = typeof data3;
            let coerced2 = void 0;
            if (!(coerced2 !== void 0)) {
              if (dataType2 == "number" || dataType2 == "boolean") {
                coerced2 = "" + data3;
              } else if (data3 === null) {
                coerced2 = "";
              } else {
                const err9 = { instancePath: instancePath + "/platform/os", schemaPath: "#/definitions/platform/properties/os/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                  vErrors = [err9];
                } else {
                  vErrors.push(err9);
                }
                errors++;
              }
            }
            if (coerced2 !== void 0) {
              data3 = coerced2;
              if (data1 !== void 0) {
                data1["os"] = coerced2;
              }
            }
          }
          if (typeof data3 === "string") {
            if (func3(data3) < 1) {
              const err10 = { instancePath: instancePath + "/platform/os", schemaPath: "#/definitions/platform/properties/os/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
              if (vErrors === null) {
                vErrors = [err10];
              } else {
                vErrors.push(err10);
              }
              errors++;
            }
          }
        }
        if (data1.variant !== void 0) {
          let data4 = data1.variant;
          if (typeof data4 !== "string") {
            let dataType3 = typeof data4;
            let coerced3 = void 0;
            if (!(coerced3 !== void 0)) {
              if (dataType3 == "number" || dataType3 == "boolean") {
                coerced3 = "" + data4;
              } else if (data4 === null) {
                coerced3 = "";
              } else {
                const err11 = { instancePath: instancePath + "/platform/variant", schemaPath: "#/definitions/platform/properties/variant/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                  vErrors = [err11];
                } else {
                  vErrors.push(err11);
                }
                errors++;
              }
            }
            if (coerced3 !== void 0) {
              data4 = coerced3;
              if (data1 !== void 0) {
                data1["variant"] = coerced3;
              }
            }
          }
          if (typeof data4 === "string") {
            if (func3(data4) < 1) {
              const err12 = { instancePath: instancePath + "/platform/variant", schemaPath: "#/definitions/platform/properties/variant/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
              if (vErrors === null) {
                vErrors = [err12];
              } else {
                vErrors.push(err12);
              }
              errors++;
            }
          }
        }
        if (data1.features !== void 0) {
          let data5 = data1.features;
          if (Array.isArray(data5)) {
            const len0 = data5.length;
            for (let i0 = 0; i0 < len0; i0++) {
              let data6 = data5[i0];
              if (typeof data6 !== "string") {
                let dataType4 = typeof data6;
                let coerced4 = void 0;
                if (!(coerced4 !== void 0)) {
                  if (dataType4 == "number" || dataType4 == "boolean") {
                    coerced4 = "" + data6;
                  } else if (data6 === null) {
                    coerced4 = "";
                  } else {
                    const err13 = { instancePath: instancePath + "/platform/features/" + i0, schemaPath: "#/definitions/platform/properties/features/items/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                    if (vErrors === null) {
                      vErrors = [err13];
                    } else {
                      vErrors.push(err13);
                    }
                    errors++;
                  }
                }
                if (coerced4 !== void 0) {
                  data6 = coerced4;
                  if (data5 !== void 0) {
                    data5[i0] = coerced4;
                  }
                }
              }
              if (typeof data6 === "string") {
                if (func3(data6) < 1) {
                  const err14 = { instancePath: instancePath + "/platform/features/" + i0, schemaPath: "#/definitions/platform/properties/features/items/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
                  if (vErrors === null) {
                    vErrors = [err14];
                  } else {
                    vErrors.push(err14);
                  }
                  errors++;
                }
              }
            }
          } else {
            const err15 = { instancePath: instancePath + "/platform/features", schemaPath: "#/definitions/platform/properties/features/type", keyword: "type", params: { type: "array" }, message: "must be array" };
            if (vErrors === null) {
              vErrors = [err15];
            } else {
              vErrors.push(err15);
            }
            errors++;
          }
        }
        if (data1["os.version"] !== void 0) {
          let data7 = data1["os.version"];
          if (typeof data7 !== "string") {
            let dataType5 = typeof data7;
            let coerced5 = void 0;
            if (!(coerced5 !== void 0)) {
              if (dataType5 == "number" || dataType5 == "boolean") {
                coerced5 = "" + data7;
              } else if (data7 === null) {
                coerced5 = "";
              } else {
                const err16 = { instancePath: instancePath + "/platform/os.version", schemaPath: "#/definitions/platform/properties/os.version/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                  vErrors = [err16];
                } else {
                  vErrors.push(err16);
                }
                errors++;
              }
            }
            if (coerced5 !== void 0) {
              data7 = coerced5;
              if (data1 !== void 0) {
                data1["os.version"] = coerced5;
              }
            }
          }
          if (typeof data7 === "string") {
            if (func3(data7) < 1) {
              const err17 = { instancePath: instancePath + "/platform/os.version", schemaPath: "#/definitions/platform/properties/os.version/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
              if (vErrors === null) {
                vErrors = [err17];
              } else {
                vErrors.push(err17);
              }
              errors++;
            }
          }
        }
        if (data1["os.features"] !== void 0) {
          let data8 = data1["os.features"];
          if (Array.isArray(data8)) {
            const len1 = data8.length;
            for (let i1 = 0; i1 < len1; i1++) {
              let data9 = data8[i1];
              if (typeof data9 !== "string") {
                let dataType6 = typeof data9;
                let coerced6 = void 0;
                if (!(coerced6 !== void 0)) {
                  if (dataType6 == "number" || dataType6 == "boolean") {
                    coerced6 = "" + data9;
                  } else if (data9 === null) {
                    coerced6 = "";
                  } else {
                    const err18 = { instancePath: instancePath + "/platform/os.features/" + i1, schemaPath: "#/definitions/platform/properties/os.features/items/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                    if (vErrors === null) {
                      vErrors = [err18];
                    } else {
                      vErrors.push(err18);
                    }
                    errors++;
                  }
                }
                if (coerced6 !== void 0) {
                  data9 = coerced6;
                  if (data8 !== void 0) {
                    data8[i1] = coerced6;
                  }
                }
              }
              if (typeof data9 === "string") {
                if (func3(data9) < 1) {
                  const err19 = { instancePath: instancePath + "/platform/os.features/" + i1, schemaPath: "#/definitions/platform/properties/os.features/items/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
                  if (vErrors === null) {
                    vErrors = [err19];
                  } else {
                    vErrors.push(err19);
                  }
                  errors++;
                }
              }
            }
          } else {
            const err20 = { instancePath: instancePath + "/platform/os.features", schemaPath: "#/definitions/platform/properties/os.features/type", keyword: "type", params: { type: "array" }, message: "must be array" };
            if (vErrors === null) {
              vErrors = [err20];
            } else {
              vErrors.push(err20);
            }
            errors++;
          }
        }
        if (data1.osversion !== void 0) {
          let data10 = data1.osversion;
          if (typeof data10 !== "string") {
            let dataType7 = typeof data10;
            let coerced7 = void 0;
            if (!(coerced7 !== void 0)) {
              if (dataType7 == "number" || dataType7 == "boolean") {
                coerced7 = "" + data10;
              } else if (data10 === null) {
                coerced7 = "";
              } else {
                const err21 = { instancePath: instancePath + "/platform/osversion", schemaPath: "#/definitions/platform/properties/osversion/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                  vErrors = [err21];
                } else {
                  vErrors.push(err21);
                }
                errors++;
              }
            }
            if (coerced7 !== void 0) {
              data10 = coerced7;
              if (data1 !== void 0) {
                data1["osversion"] = coerced7;
              }
            }
          }
          if (typeof data10 === "string") {
            if (func3(data10) < 1) {
              const err22 = { instancePath: instancePath + "/platform/osversion", schemaPath: "#/definitions/platform/properties/osversion/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
              if (vErrors === null) {
                vErrors = [err22];
              } else {
                vErrors.push(err22);
              }
              errors++;
            }
          }
        }
        if (data1.osfeatures !== void 0) {
          let data11 = data1.osfeatures;
          if (Array.isArray(data11)) {
            const len2 = data11.length;
            for (let i2 = 0; i2 < len2; i2++) {
              let data12 = data11[i2];
              if (typeof data12 !== "string") {
                let dataType8 = typeof data12;
                let coerced8 = void 0;
                if (!(coerced8 !== void 0)) {
                  if (dataType8 == "number" || dataType8 == "boolean") {
                    coerced8 = "" + data12;
                  } else if (data12 === null) {
                    coerced8 = "";
                  } else {
                    const err23 = { instancePath: instancePath + "/platform/osfeatures/" + i2, schemaPath: "#/definitions/platform/properties/osfeatures/items/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                    if (vErrors === null) {
                      vErrors = [err23];
                    } else {
                      vErrors.push(err23);
                    }
                    errors++;
                  }
                }
                if (coerced8 !== void 0) {
                  data12 = coerced8;
                  if (data11 !== void 0) {
                    data11[i2] = coerced8;
                  }
                }
              }
              if (typeof data12 === "string") {
                if (func3(data12) < 1) {
                  const err24 = { instancePath: instancePath + "/platform/osfeatures/" + i2, schemaPath: "#/definitions/platform/properties/osfeatures/items/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
                  if (vErrors === null) {
                    vErrors = [err24];
                  } else {
                    vErrors.push(err24);
                  }
                  errors++;
                }
              }
            }
          } else {
            const err25 = { instancePath: instancePath + "/platform/osfeatures", schemaPath: "#/definitions/platform/properties/osfeatures/type", keyword: "type", params: { type: "array" }, message: "must be array" };
            if (vErrors === null) {
              vErrors = [err25];
            } else {
              vErrors.push(err25);
            }
            errors++;
          }
        }
      } else {
        const err26 = { instancePath: instancePath + "/platform", schemaPath: "#/definitions/platform/type", keyword: "type", params: { type: "object" }, message: "must be object" };
        if (vErrors === null) {
          vErrors = [err26];
        } else {
          vErrors.push(err26);
        }
        errors++;
      }
    }
    if (data.annotations !== void 0) {
      let data13 = data.annotations;
      if (data13 && typeof data13 == "object" && !Array.isArray(data13)) {
        for (const key2 in data13) {
          const _errs33 = errors;
          if (typeof key2 === "string") {
            if (func3(key2) < 1) {
              const err27 = { instancePath: instancePath + "/annotations", schemaPath: "#/definitions/annotations/propertyNames/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", propertyName: key2 };
              if (vErrors === null) {
                vErrors = [err27];
              } else {
                vErrors.push(err27);
              }
              errors++;
            }
          }
          var valid11 = _errs33 === errors;
          if (!valid11) {
            const err28 = { instancePath: instancePath + "/annotations", schemaPath: "#/definitions/annotations/propertyNames", keyword: "propertyNames", params: { propertyName: key2 }, message: "property name must be valid" };
            if (vErrors === null) {
              vErrors = [err28];
            } else {
              vErrors.push(err28);
            }
            errors++;
          }
        }
        for (const key3 in data13) {
          let data14 = data13[key3];
          if (typeof data14 !== "string") {
            let dataType9 = typeof data14;
            let coerced9 = void 0;
            if (!(coerced9 !== void 0)) {
              if (dataType9 == "number" || dataType9 == "boolean") {
                coerced9 = "" + data14;
              } else if (data14 === null) {
                coerced9 = "";
              } else {
                const err29 = { instancePath: instancePath + "/annotations/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/definitions/annotations/additionalProperties/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                  vErrors = [err29];
                } else {
                  vErrors.push(err29);
                }
                errors++;
              }
            }
            if (coerced9 !== void 0) {
              data14 = coerced9;
              if (data13 !== void 0) {
                data13[key3] = coerced9;
              }
            }
          }
        }
      } else {
        const err30 = { instancePath: instancePath + "/annotations", schemaPath: "#/definitions/annotations/type", keyword: "type", params: { type: "object" }, message: "must be object" };
        if (vErrors === null) {
          vErrors = [err30];
        } else {
          vErrors.push(err30);
        }
        errors++;
      }
    }
    if (data.optional !== void 0) {
      let data15 = data.optional;
      if (typeof data15 !== "boolean") {
        let coerced10 = void 0;
        if (!(coerced10 !== void 0)) {
          if (data15 === "false" || data15 === 0 || data15 === null) {
            coerced10 = false;
          } else if (data15 === "true" || data15 === 1) {
            coerced10 = true;
          } else {
            const err31 = { instancePath: instancePath + "/optional", schemaPath: "#/properties/optional/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean" };
            if (vErrors === null) {
              vErrors = [err31];
            } else {
              vErrors.push(err31);
            }
            errors++;
          }
        }
        if (coerced10 !== void 0) {
          data15 = coerced10;
          if (data !== void 0) {
            data["optional"] = coerced10;
          }
        }
      }
    }
    if (data.overridePlatform !== void 0) {
      let data16 = data.overridePlatform;
      if (typeof data16 !== "boolean") {
        let coerced11 = void 0;
        if (!(coerced11 !== void 0)) {
          if (data16 === "false" || data16 === 0 || data16 === null) {
            coerced11 = false;
          } else if (data16 === "true" || data16 === 1) {
            coerced11 = true;
          } else {
            const err32 = { instancePath: instancePath + "/overridePlatform", schemaPath: "#/properties/overridePlatform/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean" };
            if (vErrors === null) {
              vErrors = [err32];
            } else {
              vErrors.push(err32);
            }
            errors++;
          }
        }
        if (coerced11 !== void 0) {
          data16 = coerced11;
          if (data !== void 0) {
            data["overridePlatform"] = coerced11;
          }
        }
      }
    }
    if (data.index !== void 0) {
      let data17 = data.index;
      if (typeof data17 !== "string") {
        let dataType12 = typeof data17;
        let coerced12 = void 0;
        if (!(coerced12 !== void 0)) {
          if (dataType12 == "number" || dataType12 == "boolean") {
            coerced12 = "" + data17;
          } else if (data17 === null) {
            coerced12 = "";
          } else {
            const err33 = { instancePath: instancePath + "/index", schemaPath: "#/properties/index/type", keyword: "type", params: { type: "string" }, message: "must be string" };
            if (vErrors === null) {
              vErrors = [err33];
            } else {
              vErrors.push(err33);
            }
            errors++;
          }
        }
        if (coerced12 !== void 0) {
          data17 = coerced12;
          if (data !== void 0) {
            data["index"] = coerced12;
          }
        }
      }
      if (!(data17 === "flatten" || data17 === "nest")) {
        const err34 = { instancePath: instancePath + "/index", schemaPath: "#/properties/index/enum", keyword: "enum", params: { allowedValues: schema13.properties.index.enum }, message: "must be equal to one of the allowed values" };
        if (vErrors === null) {
          vErrors = [err34];
        } else {
          vErrors.push(err34);
        }
        errors++;
      }
    }
    if (data.platforms !== void 0) {
      let data18 = data.platforms;
      if (Array.isArray(data18)) {
        if (data18.length < 1) {
          const err35 = { instancePath: instancePath + "/platforms", schemaPath: "#/properties/platforms/minItems", keyword: "minItems", params: { limit: 1 }, message: "must NOT have fewer than 1 items" };
          if (vErrors === null) {
            vErrors = [err35];
          } else {
            vErrors.push(err35);
          }
          errors++;
        }
        const len3 = data18.length;
        for (let i3 = 0; i3 < len3; i3++) {
          let data19 = data18[i3];
          if (typeof data19 !== "string") {
            let dataType13 = typeof data19;
            let coerced13 = void 0;
            if (!(coerced13 !== void 0)) {
              if (dataType13 == "number" || dataType13 == "boolean") {
                coerced13 = "" + data19;
              } else if (data19 === null) {
                coerced13 = "";
              } else {
                const err36 = { instancePath: instancePath + "/platforms/" + i3, schemaPath: "#/properties/platforms/items/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                  vErrors = [err36];
                } else {
                  vErrors.push(err36);
                }
                errors++;
              }
            }
            if (coerced13 !== void 0) {
              data19 = coerced13;
              if (data18 !== void 0) {
                data18[i3] = coerced13;
              }
            }
          }
          if (typeof data19 === "string") {
            if (!pattern2.test(data19)) {
              const err37 = { instancePath: instancePath + "/platforms/" + i3, schemaPath: "#/properties/platforms/items/pattern", keyword: "pattern", params: { pattern: "^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9.]+)?$" }, message: 'must match pattern "^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9.]+)?$"' };
              if (vErrors === null) {
                vErrors = [err37];
              } else {
                vErrors.push(err37);
              }
              errors++;
            }
          }
        }
      } else {
        const err38 = { instancePath: instancePath + "/platforms", schemaPath: "#/properties/platforms/type", keyword: "type", params: { type: "array" }, message: "must be array" };
        if (vErrors === null) {
          vErrors = [err38];
        } else {
          vErrors.push(err38);
        }
        errors++;
      }
    }
    if (data.verify !== void 0) {
      let data20 = data.verify;
      if (typeof data20 !== "string") {
        let dataType14 = typeof data20;
        let coerced14 = void 0;
        if (!(coerced14 !== void 0)) {
          if (dataType14 == "number" || dataType14 == "boolean") {
            coerced14 = "" + data20;
          } else if (data20 === null) {
            coerced14 = "";
          } else {
            const err39 = { instancePath: instancePath + "/verify", schemaPath: "#/properties/verify/type", keyword: "type", params: { type: "string" }, message: "must be string" };
            if (vErrors === null) {
              vErrors = [err39];
            } else {
              vErrors.push(err39);
            }
            errors++;
          }
        }
        if (coerced14 !== void 0) {
          data20 = coerced14;
          if (data !== void 0) {
            data["verify"] = coerced14;
          }
        }
      }
      if (!(data20 === "config" || data20 === "binaries")) {
        const err40 = { instancePath: instancePath + "/verify", schemaPath: "#/properties/verify/enum", keyword: "enum", params: { allowedValues: schema13.properties.verify.enum }, message: "must be equal to one of the allowed values" };
        if (vErrors === null) {
          vErrors = [err40];
        } else {
          vErrors.push(err40);
        }
        errors++;
      }
    }
    if (data.rewriteConfig !== void 0) {
      let data21 = data.rewriteConfig;
      if (typeof data21 !== "boolean") {
        let coerced15 = void 0;
        if (!(coerced15 !== void 0)) {
          if (data21 === "false" || data21 === 0 || data21 === null) {
            coerced15 = false;
          } else if (data21 === "true" || data21 === 1) {
            coerced15 = true;
          } else {
            const err41 = { instancePath: instancePath + "/rewriteConfig", schemaPath: "#/properties/rewriteConfig/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean" };
            if (vErrors === null) {
              vErrors = [err41];
            } else {
              vErrors.push(err41);
            }
            errors++;
          }
        }
        if (coerced15 !== void 0) {
          data21 = coerced15;
          if (data !== void 0) {
            data["rewriteConfig"] = coerced15;
          }
        }
      }
    }
  } else {
    const err42 = { instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object" };
    if (vErrors === null) {
      vErrors = [err42];
    } else {
      vErrors.push(err42);
    }
    errors++;
  }
  validate11.errors = vErrors;
  return errors === 0;
}
function validate10(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  ;
  let vErrors = null;
  let errors = 0;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.image === void 0) {
      const err0 = { instancePath, schemaPath: "#/required", keyword: "required", params: { missingProperty: "image" }, message: "must have required property 'image'" };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.manifests === void 0) {
      const err1 = { instancePath, schemaPath: "#/required", keyword: "required", params: { missingProperty: "manifests" }, message: "must have required property 'manifests'" };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(func2.call(schema11.properties, key0) || pattern0.test(key0))) {
        const err2 = { instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties" };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    }
    if (data.image !== void 0) {
      let data0 = data.image;
      if (typeof data0 !== "string") {
        let dataType0 = typeof data0;
        let coerced0 = void 0;
        if (!(coerced0 !== void 0)) {
          if (dataType0 == "number" || dataType0 == "boolean") {
            coerced0 = "" + data0;
          } else if (data0 === null) {
            coerced0 = "";
          } else {
            const err3 = { instancePath: instancePath + "/image", schemaPath: "#/properties/image/type", keyword: "type", params: { type: "string" }, message: "must be string" };
            if (vErrors === null) {
              vErrors = [err3];
            } else {
              vErrors.push(err3);
            }
            errors++;
          }
        }
        if (coerced0 !== void 0) {
          data0 = coerced0;
          if (data !== void 0) {
            data["image"] = coerced0;
          }
        }
      }
      if (typeof data0 === "string") {
        if (func3(data0) < 1) {
          const err4 = { instancePath: instancePath + "/image", schemaPath: "#/properties/image/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
      }
    }
    if (data.targets !== void 0) {
      let data1 = data.targets;
      if (Array.isArray(data1)) {
        if (data1.length < 1) {
          const err5 = { instancePath: instancePath + "/targets", schemaPath: "#/properties/targets/minItems", keyword: "minItems", params: { limit: 1 }, message: "must NOT have fewer than 1 items" };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
        const len0 = data1.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data2 = data1[i0];
          if (typeof data2 !== "string") {
            let dataType1 = typeof data2;
            let coerced1 = void 0;
            if (!(coerced1 !== void 0)) {
              if (dataType1 == "number" || dataType1 == "boolean") {
                coerced1 = "" + data2;
              } else if (data2 === null) {
                coerced1 = "";
              } else {
                const err6 = { instancePath: instancePath + "/targets/" + i0, schemaPath: "#/properties/targets/items/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                  vErrors = [err6];
                } else {
                  vErrors.push(err6);
                }
                errors++;
              }
            }
            if (coerced1 !== void 0) {
              data2 = coerced1;
              if (data1 !== void 0) {
                data1[i0] = coerced1;
              }
            }
          }
          if (typeof data2 === "string") {
            if (func3(data2) < 1) {
              const err7 = { instancePath: instancePath + "/targets/" + i0, schemaPath: "#/properties/targets/items/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
              if (vErrors === null) {
                vErrors = [err7];
              } else {
                vErrors.push(err7);
              }
              errors++;
            }
          }
        }
      } else {
        const err8 = { instancePath: instancePath + "/targets", schemaPath: "#/properties/targets/type", keyword: "type", params: { type: "array" }, message: "must be array" };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.tags !== void 0) {
      let data3 = data.tags;
      if (Array.isArray(data3)) {
        const len1 = data3.length;
        for (let i1 = 0; i1 < len1; i1++) {
          let data4 = data3[i1];
          if (typeof data4 !== "string") {
            let dataType2 = typeof data4;
            let coerced2 = void 0;
            if (!(coerced2 !== void 0)) {
              if (dataType2 == "number" || dataType2 == "boolean") {
                coerced2 = "" + data4;
              } else if (data4 === null) {
                coerced2 = "";
              } else {
                const err9 = { instancePath: instancePath + "/tags/" + i1, schemaPath: "#/properties/tags/items/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                  vErrors = [err9];
                } else {
                  vErrors.push(err9);
                }
                errors++;
              }
            }
            if (coerced2 !== void 0) {
              data4 = coerced2;
              if (data3 !== void 0) {
                data3[i1] = coerced2;
              }
            }
          }
          if (typeof data4 === "string") {
            if (func3(data4) < 1) {
              const err10 = { instancePath: instancePath + "/tags/" + i1, schemaPath: "#/properties/tags/items/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
              if (vErrors === null) {
                vErrors = [err10];
              } else {
                vErrors.push(err10);
              }
              errors++;
            }
          }
        }
      } else {
        const err11 = { instancePath: instancePath + "/tags", schemaPath: "#/properties/tags/type", keyword: "type", params: { type: "array" }, message: "must be array" };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    if (data.minChildren !== void 0) {
      let data5 = data.minChildren;
      if (!(typeof data5 == "number" && (!(data5 % 1) && !isNaN(data5)) && isFinite(data5))) {
        let dataType3 = typeof data5;
        let coerced3 = void 0;
        if (!(coerced3 !== void 0)) {
          if (dataType3 === "boolean" || data5 === null || dataType3 === "string" && data5 && data5 == +data5 && !(data5 % 1)) {
            coerced3 = +data5;
          } else {
            const err12 = { instancePath: instancePath + "/minChildren", schemaPath: "#/properties/minChildren/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
            if (vErrors === null) {
              vErrors = [err12];
            } else {
              vErrors.push(err12);
            }
            errors++;
          }
        }
        if (coerced3 !== void 0) {
          data5 = coerced3;
          if (data !== void 0) {
            data["minChildren"] = coerced3;
          }
        }
      }
      if (typeof data5 == "number" && isFinite(data5)) {
        if (data5 < 1 || isNaN(data5)) {
          const err13 = { instancePath: instancePath + "/minChildren", schemaPath: "#/properties/minChildren/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
      }
    }
    if (data.mediaType !== void 0) {
      let data6 = data.mediaType;
      if (typeof data6 !== "string") {
        let dataType4 = typeof data6;
        let coerced4 = void 0;
        if (!(coerced4 !== void 0)) {
          if (dataType4 == "number" || dataType4 == "boolean") {
            coerced4 = "" + data6;
          } else if (data6 === null) {
            coerced4 = "";
          } else {
            const err14 = { instancePath: instancePath + "/mediaType", schemaPath: "#/properties/mediaType/type", keyword: "type", params: { type: "string" }, message: "must be string" };
            if (vErrors === null) {
              vErrors = [err14];
            } else {
              vErrors.push(err14);
            }
            errors++;
          }
        }
        if (coerced4 !== void 0) {
          data6 = coerced4;
          if (data !== void 0) {
            data["mediaType"] = coerced4;
          }
        }
      }
      if (!(data6 === "oci" || data6 === "docker" || data6 === "auto")) {
        const err15 = { instancePath: instancePath + "/mediaType", schemaPath: "#/properties/mediaType/enum", keyword: "enum", params: { allowedValues: schema11.properties.mediaType.enum }, message: "must be equal to one of the allowed values" };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
    }
    if (data.annotations !== void 0) {
      let data7 = data.annotations;
      if (data7 && typeof data7 == "object" && !Array.isArray(data7)) {
        for (const key1 in data7) {
          const _errs19 = errors;
          if (typeof key1 === "string") {
            if (func3(key1) < 1) {
              const err16 = { instancePath: instancePath + "/annotations", schemaPath: "#/definitions/annotations/propertyNames/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", propertyName: key1 };
              if (vErrors === null) {
                vErrors = [err16];
              } else {
                vErrors.push(err16);
              }
              errors++;
            }
          }
          var valid6 = _errs19 === errors;
          if (!valid6) {
            const err17 = { instancePath: instancePath + "/annotations", schemaPath: "#/definitions/annotations/propertyNames", keyword: "propertyNames", params: { propertyName: key1 }, message: "property name must be valid" };
            if (vErrors === null) {
              vErrors = [err17];
            } else {
              vErrors.push(err17);
            }
            errors++;
          }
        }
        for (const key2 in data7) {
          let data8 = data7[key2];
          if (typeof data8 !== "string") {
            let dataType5 = typeof data8;
            let coerced5 = void 0;
            if (!(coerced5 !== void 0)) {
              if (dataType5 == "number" || dataType5 == "boolean") {
                coerced5 = "" + data8;
              } else if (data8 === null) {
                coerced5 = "";
              } else {
                const err18 = { instancePath: instancePath + "/annotations/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/definitions/annotations/additionalProperties/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                  vErrors = [err18];
                } else {
                  vErrors.push(err18);
                }
                errors++;
              }
            }
            if (coerced5 !== void 0) {
              data8 = coerced5;
              if (data7 !== void 0) {
                data7[key2] = coerced5;
              }
            }
          }
        }
      } else {
        const err19 = { instancePath: instancePath + "/annotations", schemaPath: "#/definitions/annotations/type", keyword: "type", params: { type: "object" }, message: "must be object" };
        if (vErrors === null) {
          vErrors = [err19];
        } else {
          vErrors.push(err19);
        }
        errors++;
      }
    }
    if (data.artifactType !== void 0) {
      let data9 = data.artifactType;
      if (typeof data9 !== "string") {
        let dataType6 = typeof data9;
        let coerced6 = void 0;
        if (!(coerced6 !== void 0)) {
          if (dataType6 == "number" || dataType6 == "boolean") {
            coerced6 = "" + data9;
          } else if (data9 === null) {
            coerced6 = "";
          } else {
            const err20 = { instancePath: instancePath + "/artifactType", schemaPath: "#/properties/artifactType/type", keyword: "type", params: { type: "string" }, message: "must be string" };
            if (vErrors === null) {
              vErrors = [err20];
            } else {
              vErrors.push(err20);
            }
            errors++;
          }
        }
        if (coerced6 !== void 0) {
          data9 = coerced6;
          if (data !== void 0) {
            data["artifactType"] = coerced6;
          }
        }
      }
      if (typeof data9 === "string") {
        if (!pattern1.test(data9)) {
          const err21 = { instancePath: instancePath + "/artifactType", schemaPath: "#/properties/artifactType/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$" }, message: 'must match pattern "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$"' };
          if (vErrors === null) {
            vErrors = [err21];
          } else {
            vErrors.push(err21);
          }
          errors++;
        }
      }
    }
    if (data.subject !== void 0) {
      let data10 = data.subject;
      if (typeof data10 !== "string") {
        let dataType7 = typeof data10;
        let coerced7 = void 0;
        if (!(coerced7 !== void 0)) {
          if (dataType7 == "number" || dataType7 == "boolean") {
            coerced7 = "" + data10;
          } else if (data10 === null) {
            coerced7 = "";
          } else {
            const err22 = { instancePath: instancePath + "/subject", schemaPath: "#/properties/subject/type", keyword: "type", params: { type: "string" }, message: "must be string" };
            if (vErrors === null) {
              vErrors = [err22];
            } else {
              vErrors.push(err22);
            }
            errors++;
          }
        }
        if (coerced7 !== void 0) {
          data10 = coerced7;
          if (data !== void 0) {
            data["subject"] = coerced7;
          }
        }
      }
      if (typeof data10 === "string") {
        if (func3(data10) < 1) {
          const err23 = { instancePath: instancePath + "/subject", schemaPath: "#/properties/subject/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
          if (vErrors === null) {
            vErrors = [err23];
          } else {
            vErrors.push(err23);
          }
          errors++;
        }
      }
    }
    if (data.verify !== void 0) {
      let data11 = data.verify;
      if (typeof data11 !== "string") {
        let dataType8 = typeof data11;
        let coerced8 = void 0;
        if (!(coerced8 !== void 0)) {
          if (dataType8 == "number" || dataType8 == "boolean") {
            coerced8 = "" + data11;
          } else if (data11 === null) {
            coerced8 = "";
          } else {
            const err24 = { instancePath: instancePath + "/verify", schemaPath: "#/properties/verify/type", keyword: "type", params: { type: "string" }, message: "must be string" };
            if (vErrors === null) {
              vErrors = [err24];
            } else {
              vErrors.push(err24);
            }
            errors++;
          }
        }
        if (coerced8 !== void 0) {
          data11 = coerced8;
          if (data !== void 0) {
            data["verify"] = coerced8;
          }
        }
      }
      if (!(data11 === "config" || data11 === "binaries")) {
        const err25 = { instancePath: instancePath + "/verify", schemaPath: "#/properties/verify/enum", keyword: "enum", params: { allowedValues: schema11.properties.verify.enum }, message: "must be equal to one of the allowed values" };
        if (vErrors === null) {
          vErrors = [err25];
        } else {
          vErrors.push(err25);
        }
        errors++;
      }
    }
    if (data.unverified !== void 0) {
      let data12 = data.unverified;
      if (typeof data12 !== "string") {
        let dataType9 = typeof data12;
        let coerced9 = void 0;
        if (!(coerced9 !== void 0)) {
          if (dataType9 == "number" || dataType9 == "boolean") {
            coerced9 = "" + data12;
          } else if (data12 === null) {
            coerced9 = "";
          } else {
            const err26 = { instancePath: instancePath + "/unverified", schemaPath: "#/properties/unverified/type", keyword: "type", params: { type: "string" }, message: "must be string" };
            if (vErrors === null) {
              vErrors = [err26];
            } else {
              vErrors.push(err26);
            }
            errors++;
          }
        }
        if (coerced9 !== void 0) {
          data12 = coerced9;
          if (data !== void 0) {
            data["unverified"] = coerced9;
          }
        }
      }
      if (!(data12 === "warn" || data12 === "error")) {
        const err27 = { instancePath: instancePath + "/unverified", schemaPath: "#/properties/unverified/enum", keyword: "enum", params: { allowedValues: schema11.properties.unverified.enum }, message: "must be equal to one of the allowed values" };
        if (vErrors === null) {
          vErrors = [err27];
        } else {
          vErrors.push(err27);
        }
        errors++;
      }
    }
    if (data.manifests !== void 0) {
      let data13 = data.manifests;
      if (Array.isArray(data13)) {
        if (data13.length < 1) {
          const err28 = { instancePath: instancePath + "/manifests", schemaPath: "#/properties/manifests/minItems", keyword: "minItems", params: { limit: 1 }, message: "must NOT have fewer than 1 items" };
          if (vErrors === null) {
            vErrors = [err28];
          } else {
            vErrors.push(err28);
          }
          errors++;
        }
        const len2 = data13.length;
        for (let i2 = 0; i2 < len2; i2++) {
          if (!validate11(data13[i2], { instancePath: instancePath + "/manifests/" + i2, parentData: data13, parentDataProperty: i2, rootData })) {
            vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
            errors = vErrors.length;
          }
        }
      } else {
        const err29 = { instancePath: instancePath + "/manifests", schemaPath: "#/properties/manifests/type", keyword: "type", params: { type: "array" }, message: "must be array" };
        if (vErrors === null) {
          vErrors = [err29];
        } else {
          vErrors.push(err29);
        }
        errors++;
      }
    }
  } else {
    const err30 = { instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object" };
    if (vErrors === null) {
      vErrors = [err30];
    } else {
      vErrors.push(err30);
    }
    errors++;
  }
  validate10.errors = vErrors;
  return errors === 0;
}
