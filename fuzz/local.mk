# fuzz: libFuzzer harnesses, one per entry point that reads outside bytes
# (fuzz/README.md).  In a normal build they are check programs with a
# replay main() (fuzz/replay.c) that runs the regression inputs of
# tests/regress/ and the seeds; configured with --enable-fuzzing (clang),
# libFuzzer drives them.  'make fuzz' in a normal build configures such a
# build in fuzz-build/ and builds them there.

FUZZ_PROGS = \
	fuzz/fuzz-load \
	fuzz/fuzz-pem \
	fuzz/fuzz-base64 \
	fuzz/fuzz-pkcs12 \
	fuzz/fuzz-pkcs7 \
	fuzz/fuzz-key \
	fuzz/fuzz-jks \
	fuzz/fuzz-cert \
	fuzz/fuzz-url \
	fuzz/fuzz-chain \
	fuzz/fuzz-nc \
	fuzz/fuzz-aialist \
	fuzz/fuzz-crl \
	fuzz/fuzz-crlset \
	fuzz/fuzz-ocsp \
	fuzz/fuzz-ocspserve \
	fuzz/fuzz-issuer \
	fuzz/fuzz-report \
	fuzz/fuzz-der \
	fuzz/fuzz-policy \
	fuzz/fuzz-audit \
	fuzz/fuzz-convert \
	fuzz/fuzz-certpol \
	fuzz/fuzz-csr \
	fuzz/fuzz-emit \
	$(NULL)

check_PROGRAMS += $(FUZZ_PROGS)
check_LTLIBRARIES += fuzz/libfuzz.la
fuzz_libfuzz_la_SOURCES = fuzz/common.c fuzz/fuzz.h
if !FUZZING
fuzz_libfuzz_la_SOURCES += fuzz/replay.c
endif
fuzz_libfuzz_la_CFLAGS = $(FUZZ_CFLAGS)

FUZZ_CFLAGS = $(AM_CFLAGS) \
	-DCK_FIXTURES='"$(abs_top_srcdir)/fixtures"' \
	-DCK_SRCDIR='"$(abs_top_srcdir)"'
FUZZ_LIBS = fuzz/libfuzz.la libcore/libcore.la
FUZZ_LINK = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)

fuzz_fuzz_load_SOURCES = fuzz/fuzz-load.c
fuzz_fuzz_load_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_load_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_load_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_pem_SOURCES = fuzz/fuzz-pem.c
fuzz_fuzz_pem_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_pem_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_pem_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_base64_SOURCES = fuzz/fuzz-base64.c
fuzz_fuzz_base64_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_base64_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_base64_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_pkcs12_SOURCES = fuzz/fuzz-pkcs12.c
fuzz_fuzz_pkcs12_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_pkcs12_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_pkcs12_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_pkcs7_SOURCES = fuzz/fuzz-pkcs7.c
fuzz_fuzz_pkcs7_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_pkcs7_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_pkcs7_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_key_SOURCES = fuzz/fuzz-key.c
fuzz_fuzz_key_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_key_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_key_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_jks_SOURCES = fuzz/fuzz-jks.c
fuzz_fuzz_jks_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_jks_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_jks_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_cert_SOURCES = fuzz/fuzz-cert.c
fuzz_fuzz_cert_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_cert_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_cert_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_url_SOURCES = fuzz/fuzz-url.c
fuzz_fuzz_url_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_url_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_url_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_nc_SOURCES = fuzz/fuzz-nc.c
fuzz_fuzz_nc_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_nc_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_nc_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_chain_SOURCES = fuzz/fuzz-chain.c
fuzz_fuzz_chain_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_chain_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_chain_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_aialist_SOURCES = fuzz/fuzz-aialist.c
fuzz_fuzz_aialist_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_aialist_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_aialist_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_crl_SOURCES = fuzz/fuzz-crl.c
fuzz_fuzz_crl_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_crl_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_crl_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_crlset_SOURCES = fuzz/fuzz-crlset.c
fuzz_fuzz_crlset_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_crlset_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_crlset_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_ocsp_SOURCES = fuzz/fuzz-ocsp.c
fuzz_fuzz_ocsp_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_ocsp_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_ocsp_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_ocspserve_SOURCES = fuzz/fuzz-ocspserve.c
fuzz_fuzz_ocspserve_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_ocspserve_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_ocspserve_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_issuer_SOURCES = fuzz/fuzz-issuer.c
fuzz_fuzz_issuer_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_issuer_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_issuer_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_report_SOURCES = fuzz/fuzz-report.c
fuzz_fuzz_report_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_report_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_report_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_der_SOURCES = fuzz/fuzz-der.c
fuzz_fuzz_der_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_der_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_der_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_policy_SOURCES = fuzz/fuzz-policy.c
fuzz_fuzz_policy_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_policy_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_policy_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_audit_SOURCES = fuzz/fuzz-audit.c
fuzz_fuzz_audit_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_audit_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_audit_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_convert_SOURCES = fuzz/fuzz-convert.c
fuzz_fuzz_convert_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_convert_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_convert_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_certpol_SOURCES = fuzz/fuzz-certpol.c
fuzz_fuzz_certpol_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_certpol_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_certpol_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_csr_SOURCES = fuzz/fuzz-csr.c
fuzz_fuzz_csr_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_csr_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_csr_LDADD = $(FUZZ_LIBS)
fuzz_fuzz_emit_SOURCES = fuzz/fuzz-emit.c
fuzz_fuzz_emit_CFLAGS = $(FUZZ_CFLAGS)
fuzz_fuzz_emit_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_emit_LDADD = $(FUZZ_LIBS)

# ---- make fuzz, make fuzz-smoke, make fuzz-run ----
#
# FUZZ_TIME      seconds per harness: fuzz-smoke (default 60); fuzz-run (default: no limit)
# FUZZ_TARGETS   which harnesses (default: all), e.g. FUZZ_TARGETS='load pem'
# FUZZ_RUNS      fuzz-run: executions per harness (default 10000000)
# FUZZ_JOBS      fuzz-run: libFuzzer -fork=N (default 1: one process)
# FUZZ_TIMEOUT, FUZZ_RSS_MB, FUZZ_MALLOC_MB, FUZZ_MAX_LEN: the caps (fuzz/run.sh)
# FUZZ_SEED      libFuzzer's -seed (default random; CI fixes it)
FUZZ_BUILDDIR = fuzz-build
FUZZ_TARGETS = $(FUZZ_PROGS:fuzz/fuzz-%=%)
FUZZ_VARS = FUZZ_TIME='$(FUZZ_TIME)' FUZZ_TARGETS='$(FUZZ_TARGETS)' \
	FUZZ_RUNS='$(FUZZ_RUNS)' FUZZ_JOBS='$(FUZZ_JOBS)' FUZZ_TIMEOUT='$(FUZZ_TIMEOUT)' \
	FUZZ_RSS_MB='$(FUZZ_RSS_MB)' FUZZ_MALLOC_MB='$(FUZZ_MALLOC_MB)' FUZZ_MAX_LEN='$(FUZZ_MAX_LEN)' \
	FUZZ_SEED='$(FUZZ_SEED)'
FUZZ_ENV = top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' $(FUZZ_VARS)

if FUZZING
fuzz: $(FUZZ_PROGS)
fuzz-smoke: fuzz
	$(FUZZ_ENV) $(SHELL) $(srcdir)/fuzz/run.sh smoke
fuzz-run: fuzz
	$(FUZZ_ENV) $(SHELL) $(srcdir)/fuzz/run.sh run
else
# A second configure of this source tree, with clang and --enable-fuzzing.
fuzz-configure:
	@if test "$(abs_top_srcdir)" = "$(abs_top_builddir)"; then \
	  echo "make fuzz: this tree is configured in its source directory, which cannot be" >&2; \
	  echo "configured a second time; build in another directory (mkdir build && cd build &&" >&2; \
	  echo "../configure && make fuzz), or configure here with CC=clang --enable-fuzzing" >&2; \
	  exit 2; \
	fi
	@$(MKDIR_P) $(FUZZ_BUILDDIR)
	@cd $(FUZZ_BUILDDIR) && if test ! -f Makefile; then \
	  echo "make fuzz: configuring $(FUZZ_BUILDDIR)/ with CC=$(FUZZ_CC) --enable-fuzzing"; \
	  $(abs_top_srcdir)/configure -q CC='$(FUZZ_CC)' --enable-fuzzing \
	    --with-system-trust-file='$(SYSTEM_TRUST_FILE)' || exit $$?; \
	fi
fuzz: fuzz-configure
	cd $(FUZZ_BUILDDIR) && $(MAKE) $(AM_MAKEFLAGS) fuzz
fuzz-smoke: fuzz-configure
	cd $(FUZZ_BUILDDIR) && $(MAKE) $(AM_MAKEFLAGS) fuzz-smoke $(FUZZ_VARS)
fuzz-run: fuzz-configure
	cd $(FUZZ_BUILDDIR) && $(MAKE) $(AM_MAKEFLAGS) fuzz-run $(FUZZ_VARS)
endif
.PHONY: fuzz fuzz-configure fuzz-smoke fuzz-run

clean-local: clean-fuzz
clean-fuzz:
	-rm -rf fuzz-corpus fuzz-artifacts fuzz-logs fuzz-seeds
distclean-local: distclean-fuzz
distclean-fuzz:
	-rm -rf $(FUZZ_BUILDDIR)
.PHONY: clean-fuzz distclean-fuzz

EXTRA_DIST += fuzz/README.md fuzz/run.sh fuzz/smoke-runs fuzz/seeds.sh fuzz/der.dict fuzz/pem.dict \
	fuzz/url.dict fuzz/report.dict fuzz/policy.dict fuzz/certpol.dict fuzz/templates

# The seeds and regression inputs replayed in make check.
TESTS += tests/fuzz-replay.sh
EXTRA_DIST += tests/fuzz-replay.sh tests/fuzz-regress
if FUZZING
AM_TESTS_ENVIRONMENT += FUZZ_LIBFUZZER=yes; export FUZZ_LIBFUZZER;
endif
