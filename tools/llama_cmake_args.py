"""CMAKE_ARGS for building llama-cpp-python on this CPU, printed for the install command:

    CMAKE_ARGS="$(python3 tools/llama_cmake_args.py)" pip install -e .

llama.cpp's own tuning to the compiling CPU (GGML_NATIVE) also turns on AMX where the CPU
lists it, and on this project's machine kind (a Xeon inside a VM) AMX code stops with an
illegal instruction at the first prompt. So the build names its instruction sets itself:
AVX2, FMA and F16C always (the portable baseline, any x86-64 CPU of the last decade), and
each AVX-512 and VNNI extension only when /proc/cpuinfo lists it. Never AMX. On this
machine kind the AVX-512 build reads prompts about 1.5x as fast as the baseline
(bench/bench_ttft.py). Where /proc/cpuinfo cannot be read, the baseline alone.

Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

from pathlib import Path

BASELINE = ["-DLLAVA_BUILD=OFF", "-DGGML_NATIVE=OFF", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON"]
AVX512 = ("avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw")  # what GGML_AVX512 compiles for
EXTENSIONS = {  # GGML option -> the /proc/cpuinfo flags of the code it turns on
    "GGML_AVX512": AVX512,
    "GGML_AVX512_VBMI": (*AVX512, "avx512vbmi"),
    "GGML_AVX512_VNNI": (*AVX512, "avx512_vnni"),
    "GGML_AVX512_BF16": (*AVX512, "avx512_bf16"),
    "GGML_AVX_VNNI": ("avx_vnni",),
}


def cpu_flags(cpuinfo: str) -> set[str]:
    """The flags of the first processor listed in /proc/cpuinfo's text."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return set(value.split())
    return set()


def cmake_args(flags: set[str]) -> str:
    extra = [f"-D{option}=ON" for option, needs in EXTENSIONS.items() if set(needs) <= flags]
    return " ".join(BASELINE + extra)


def main() -> None:
    try:
        flags = cpu_flags(Path("/proc/cpuinfo").read_text())
    except OSError:
        flags = set()
    print(cmake_args(flags))


if __name__ == "__main__":
    main()
