# tcad — one non-recursive Makefile.
#   make            build libtcad.a and the tcad executable (CUDA parts when nvcc exists)
#   make run        install what is missing, build, run the built-in example
#   make test       install what is missing (incl. Python test helpers), build, run all tests
#   make bench      benchmarks (mesh load + geometry; drift-diffusion MOSFET Id-Vd sweep), results in
#                   bench/results/ (BENCH_ONLY=geometry or BENCH_ONLY=dd runs one part)
#   make check-gpu  the backend-parameterized tests on the CUDA backend, a skip counted as a failure
#   make format     .clang-format on every source
#   make asan       build + tests under AddressSanitizer/UBSan (build-asan/)
#   make valgrind   tests under valgrind (memcheck)
#   make fuzz       libFuzzer harnesses of fuzz/ (clang, ASan+UBSan), FUZZ_SECONDS=N each (default 60)
# BUILD=dir selects the build folder (several builds can live side by side).

BUILD   ?= build
PKGS    := petsc hdf5-openmpi yaml-0.1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
VERSION := 0.1.0

CC      ?= cc
OPT     ?= -O2 -g
CFLAGS  += -std=c17 -D_POSIX_C_SOURCE=200809L $(OPT) -fopenmp -Wall -Wextra -fPIC -Iinclude -I. -DTCAD_VERSION=\"$(VERSION)\" $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS += -fopenmp $(EXTRA_LDFLAGS)
LDLIBS  += $(PKG_LIBS) -lm

# CUDA: built and linked whenever nvcc exists, GPU or not.
NVCC ?= $(shell command -v nvcc 2>/dev/null || ls /usr/local/cuda/bin/nvcc 2>/dev/null)
ifneq ($(strip $(NVCC)),)
  CUDA_HOME  := $(patsubst %/bin/nvcc,%,$(NVCC))
  CUDA_ARCH  ?= -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90
  NVCCFLAGS  += -std=c++17 -O3 -g --extended-lambda $(CUDA_ARCH) -Iinclude -I. -Xcompiler -fPIC,-Wall,-Wextra $(EXTRA_NVCCFLAGS)
  CUDA_SRC   := $(wildcard kernels/*.cu kernels/linalg/*.cu)
  CUDA_OBJ   := $(CUDA_SRC:%.cu=$(BUILD)/%.cu.o)
  CUDA_LIBS  := -L$(CUDA_HOME)/lib64 -Wl,-rpath,$(CUDA_HOME)/lib64 -lcusparse -lcublas -lcudart -lstdc++
  STUB_SRC   :=
else
  CUDA_OBJ   :=
  CUDA_LIBS  :=
  STUB_SRC   := kernels/cuda_stub.c
endif

LIB_SRC := $(wildcard core/*.c kernels/*.c kernels/linalg/*.c solver/*.c mesh/*.c io/*.c)
LIB_SRC := $(filter-out kernels/cuda_stub.c,$(LIB_SRC)) $(STUB_SRC)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB     := $(BUILD)/libtcad.a
TCAD    := $(BUILD)/tcad
APP_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard app/*.c))
TEST_SRC := $(wildcard tests/t[0-9]*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
# header dependencies are generated (-MMD -MP): a header edit rebuilds only what includes it
DEPFLAGS = -MMD -MP

# The CUDA host code on the CPU (tests/cuda-standin): the .cu sources compiled as C++ for the host
# against stand-in CUDA runtime, cuSPARSE and cuBLAS headers, in a library of their own, linked
# into the GPU tests ($(BUILD)/standin/tests/*; tests/run.sh runs them as "<test>[standin]" on the
# CUDA backend). Needs no CUDA toolkit.
CXX          ?= g++
STANDIN_DIR  := tests/cuda-standin
STANDIN_CU   := $(wildcard kernels/*.cu kernels/linalg/*.cu)
STANDIN_OBJ  := $(filter-out $(BUILD)/kernels/cuda_stub.o,$(LIB_OBJ)) $(STANDIN_CU:%.cu=$(BUILD)/standin/%.cu.o) \
                $(BUILD)/standin/standin.o
STANDIN_LIB  := $(BUILD)/standin/libtcad.a
STANDIN_FLAGS = -std=c++17 $(OPT) -fPIC -Wall -Wextra -I$(STANDIN_DIR)/include -Iinclude -I. -DTCAD_CUDA_STANDIN \
                -include cuda_runtime.h $(EXTRA_CFLAGS)
STANDIN_TESTS := t001-physics t051-pn-junction t052-moscap t053-diode-dims t054-backends t055-gpu-physics \
                 t058-linear t063-contact-drive
STANDIN_BIN  := $(STANDIN_TESTS:%=$(BUILD)/standin/tests/%) $(BUILD)/standin/tests/t000-cuda-standin \
                $(BUILD)/standin/tests/libfake_cudss.so $(BUILD)/standin/tests/libstandin_cudss.so

.PHONY: all deps test-deps run test check bench asan valgrind clean format fuzz
all: $(TCAD) $(TEST_BIN) $(BENCH_BIN) $(BUILD)/tests/libfake_cudss.so $(STANDIN_BIN)

$(BUILD)/standin/%.cu.o: %.cu
	@mkdir -p $(dir $@)
	$(CXX) $(STANDIN_FLAGS) $(DEPFLAGS) -x c++ -c $< -o $@

$(BUILD)/standin/standin.o: $(STANDIN_DIR)/standin.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(STANDIN_FLAGS) $(DEPFLAGS) -c $< -o $@

$(STANDIN_LIB): $(STANDIN_OBJ)
	@rm -f $@
	ar rcs $@ $^

# the stand-in's own checks, and t058's stand-in cuDSS beside the stand-in tests
$(BUILD)/standin/tests/t000-cuda-standin: $(STANDIN_DIR)/selftest.cpp $(BUILD)/standin/standin.o
	@mkdir -p $(dir $@)
	$(CXX) $(STANDIN_FLAGS) $(DEPFLAGS) -MF $@.d -MT $@ $< $(BUILD)/standin/standin.o -o $@
$(BUILD)/standin/tests/libfake_cudss.so: $(BUILD)/tests/libfake_cudss.so
	@mkdir -p $(dir $@)
	cp $< $@

# the cuDSS stand-in (PETSc's LU on the host; tests/run.sh points TCAD_CUDSS_LIB at it)
$(BUILD)/standin/tests/libstandin_cudss.so: $(STANDIN_DIR)/cudss.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared $(DEPFLAGS) -MF $@.d -MT $@ $< $(PKG_LIBS) -o $@

$(BUILD)/standin/tests/%: tests/%.c $(STANDIN_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) -MF $@.d -MT $@ $(LDFLAGS) $< $(STANDIN_LIB) $(LDLIBS) -lstdc++ -o $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/%.cu.o: %.cu
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCCFLAGS) $(DEPFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ) $(CUDA_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(TCAD): $(APP_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $(APP_OBJ) $(LIB) $(LDLIBS) $(CUDA_LIBS) -o $@

$(BUILD)/tests/%: tests/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) -MF $@.d -MT $@ $(LDFLAGS) $< $(LIB) $(LDLIBS) $(CUDA_LIBS) -o $@

# a stand-in cuDSS library for t058's loader checks
$(BUILD)/tests/libfake_cudss.so: tests/fake_cudss.c
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC -O1 -o $@ $<

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) -MF $@.d -MT $@ $(LDFLAGS) $< $(LIB) $(LDLIBS) $(CUDA_LIBS) -o $@

-include $(LIB_OBJ:.o=.d) $(CUDA_OBJ:.o=.d) $(BUILD)/app/tcad.d $(TEST_BIN:=.d) $(BENCH_BIN:=.d) \
         $(STANDIN_OBJ:.o=.d) $(STANDIN_BIN:=.d) $(APP_OBJ:.o=.d)

deps:
	@bash scripts/install-deps.sh
test-deps:
	@bash scripts/install-deps.sh --test

# The entry points a new user runs: install first, then re-enter make so pkg-config sees
# the freshly installed packages.
run: test-deps
	@$(MAKE) --no-print-directory all
	@bash scripts/run-example.sh $(BUILD)

test: test-deps
	@$(MAKE) --no-print-directory all
	@bash tests/run.sh $(BUILD)

check: all
	@bash tests/run.sh $(BUILD)

bench: test-deps
	@$(MAKE) --no-print-directory all
	@bash bench/run.sh $(BUILD)

asan: test-deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" all
	@# Leaks are valgrind's job (make valgrind): LeakSanitizer cannot symbolize the OpenMPI
	@# plugins that PetscInitialize loads and unloads, so it reports them as unknown modules.
	@ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  bash tests/run.sh build-asan

valgrind: test-deps
	@$(MAKE) --no-print-directory all
	@TCAD_TEST_WRAPPER="valgrind -q --error-exitcode=99 --keep-debuginfo=yes --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --suppressions=$(CURDIR)/tests/valgrind.supp" \
	  bash tests/run.sh $(BUILD)

FUZZ_SECONDS ?= 60
fuzz: deps
	@bash scripts/fuzz.sh $(FUZZ_SECONDS) $(BUILD)

# make format: the style of .clang-format on every C, CUDA and header file of the project
FORMAT_SRC := $(wildcard include/tcad/*.h core/*.[ch] kernels/*.[ch] kernels/*.cu kernels/*.cuh kernels/physics/*.h \
                kernels/linalg/*.[ch] kernels/linalg/*.cu mesh/*.[ch] io/*.[ch] solver/*.[ch] app/*.c tests/*.[ch] bench/*.[ch] \
                tests/cuda-standin/*.cpp tests/cuda-standin/include/*.h fuzz/*.c)
format:
	@command -v clang-format >/dev/null || { echo "make format: clang-format is missing (apt-get install clang-format)"; exit 1; }
	clang-format -i $(FORMAT_SRC)

clean:
	rm -rf $(BUILD) build-asan

# make gpu-bundle: a CUDA (sm_90) build of tcad, the tests and the benchmarks, with the .debs of
# their runtime libraries (PETSc, HDF5, libyaml, OpenMPI and closure) and run-gpu.sh, in
# .gpu-bundle/, for a GPU machine that has only the CUDA toolkit (docs/gpu.md).
GPU_BUNDLE_BUILD ?= build-bundle
.PHONY: gpu-bundle gpu-bundle-cudss
gpu-bundle: deps
	@bash scripts/gpu-bundle.sh $(GPU_BUNDLE_BUILD)
# make gpu-bundle-cudss: the cuDSS library in parts that fit the device tool's 64 MiB per call
# (.gpu-cudss/p1, p2, ...; scripts/cudss-stage.sh puts them together there; docs/gpu.md).
gpu-bundle-cudss:
	@bash scripts/cudss-bundle.sh

# make check-gpu: the backend-parameterized tests, t054 and t055 (tests/run.sh @gpu) on the CUDA
# backend, every SKIP counted as a failure: it cannot pass by skipping (fails without a GPU).
.PHONY: check-gpu
check-gpu: all
	@TCAD_TEST_BACKEND=cuda TCAD_TEST_SKIP_IS_FAILURE=1 bash tests/run.sh $(BUILD) @gpu
