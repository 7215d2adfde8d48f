#!/usr/bin/env bash
# Formats the sources in place, then lints them with the rules in .swift-format.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format format --in-place --recursive Sources Tests Package.swift
swift format lint --strict --recursive Sources Tests
