#!/usr/bin/env bash
# Installs PoCL (an OpenCL CPU device) and the OpenCL ICD loader when possible, so SeqDsl's kernels run on
# PoCL instead of ILGPU's much slower CPU accelerator. Never fails: without root or apt, SeqDsl still works.
set -u
if ls /etc/OpenCL/vendors/*pocl* >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q 'libOpenCL.so '; then
  echo "PoCL: already installed"
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "PoCL: installing pocl-opencl-icd and ocl-icd-opencl-dev with apt-get"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pocl-opencl-icd ocl-icd-opencl-dev) >/tmp/seqdsl-apt.log 2>&1 \
    && echo "PoCL: installed" \
    || echo "PoCL: apt-get failed (see /tmp/seqdsl-apt.log); SeqDsl falls back to ILGPU's CPU accelerator"
else
  echo "PoCL: not installed and not root; run 'sudo apt-get install pocl-opencl-icd ocl-icd-opencl-dev' for a large speed-up"
fi
exit 0
