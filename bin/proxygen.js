#!/usr/bin/env node
import '../dist/proxygen.js';
