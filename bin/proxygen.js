#!/usr/bin/env node
require("node:module").enableCompileCache?.();
import("../dist/proxygen.mjs");
