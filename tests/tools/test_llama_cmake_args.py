from tools.llama_cmake_args import BASELINE, cmake_args, cpu_flags

SAPPHIRE_RAPIDS = ("fpu sse2 avx2 fma f16c avx512f avx512dq avx512cd avx512bw avx512vl avx512vbmi avx_vnni "
                   "avx512_bf16 avx512_vnni amx_bf16 amx_tile amx_int8")
CPUINFO = f"processor\t: 0\nmodel name\t: Intel(R) Xeon(R)\nflags\t\t: {SAPPHIRE_RAPIDS}\n\nprocessor\t: 1\n"


def test_flags_come_from_the_first_processor():
    assert cpu_flags(CPUINFO) == set(SAPPHIRE_RAPIDS.split())
    assert cpu_flags("") == set()


def test_a_cpu_with_avx512_gets_every_extension_it_lists_and_never_amx():
    args = cmake_args(cpu_flags(CPUINFO))
    assert args.startswith(" ".join(BASELINE))
    for option in ("AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16", "AVX_VNNI"):
        assert f"-DGGML_{option}=ON" in args.split()
    assert "AMX" not in args


def test_a_cpu_without_avx512_gets_the_portable_baseline():
    assert cmake_args({"avx2", "fma", "f16c", "avx_vnni"}) == " ".join(BASELINE + ["-DGGML_AVX_VNNI=ON"])
    assert cmake_args(set()) == " ".join(BASELINE)


def test_an_extension_needs_the_avx512_it_builds_on():
    # avx512_vnni listed without the AVX-512 base (as a VM may mask it) turns nothing on
    assert cmake_args({"avx512_vnni", "avx512f"}) == " ".join(BASELINE)
