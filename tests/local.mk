# Tests: Criterion unit tests per libcore module, shell tests per tool.

TEST_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS) \
	-DCK_FIXTURES='"$(abs_top_srcdir)/fixtures"' \
	-DCK_SRCDIR='"$(abs_top_srcdir)"' \
	-DCK_BUILDDIR='"$(abs_top_builddir)"'
TEST_LIBS = libcore/libcore.la $(CRITERION_LIBS)

UNIT_TESTS = \
	tests/test-err \
	tests/test-der \
	tests/test-oid \
	tests/test-schema \
	tests/test-cert \
	tests/test-dn \
	tests/test-load \
	tests/test-pkcs12 \
	tests/test-jks \
	tests/test-nc \
	tests/test-chain \
	tests/test-trust \
	tests/test-findings \
	tests/test-checks \
	tests/test-tls \
	tests/test-report \
	tests/test-write \
	tests/test-export \
	tests/test-fix \
	tests/test-net \
	tests/test-urlbatch \
	tests/test-revocation \
	tests/test-revfetch \
	tests/test-crl \
	tests/test-ocspserve \
	tests/test-aia \
	tests/test-runtime \
	tests/test-policy \
	tests/test-certpol \
	tests/test-validate \
	tests/test-report-certaudit \
	tests/test-report-openmetrics \
	tests/test-report-nagios \
	tests/test-emit \
	tests/test-cli \
	tests/test-walk \
	$(NULL)

check_PROGRAMS += $(UNIT_TESTS)
tests_test_err_SOURCES = tests/test-err.c tests/unit.h
tests_test_err_CFLAGS = $(TEST_CFLAGS)
tests_test_err_LDADD = $(TEST_LIBS)
tests_test_walk_SOURCES = tests/test-walk.c tests/unit.h
tests_test_walk_CFLAGS = $(TEST_CFLAGS)
tests_test_walk_LDADD = $(TEST_LIBS)
tests_test_der_SOURCES = tests/test-der.c tests/unit.h
tests_test_der_CFLAGS = $(TEST_CFLAGS)
tests_test_der_LDADD = $(TEST_LIBS)
tests_test_oid_SOURCES = tests/test-oid.c
tests_test_oid_CFLAGS = $(TEST_CFLAGS)
tests_test_oid_LDADD = $(TEST_LIBS)
tests_test_schema_SOURCES = tests/test-schema.c tests/unit.h
tests_test_schema_CFLAGS = $(TEST_CFLAGS)
tests_test_schema_LDADD = $(TEST_LIBS)
tests_test_dn_SOURCES = tests/test-dn.c tests/unit.h
tests_test_dn_CFLAGS = $(TEST_CFLAGS)
tests_test_dn_LDADD = $(TEST_LIBS)
tests_test_cert_SOURCES = tests/test-cert.c tests/unit.h
tests_test_cert_CFLAGS = $(TEST_CFLAGS)
tests_test_cert_LDADD = $(TEST_LIBS)
tests_test_load_SOURCES = tests/test-load.c tests/unit.h
tests_test_load_CFLAGS = $(TEST_CFLAGS)
tests_test_load_LDADD = $(TEST_LIBS)
tests_test_pkcs12_SOURCES = tests/test-pkcs12.c tests/unit.h
tests_test_pkcs12_CFLAGS = $(TEST_CFLAGS)
tests_test_pkcs12_LDADD = $(TEST_LIBS)
tests_test_jks_SOURCES = tests/test-jks.c tests/unit.h
tests_test_jks_CFLAGS = $(TEST_CFLAGS)
tests_test_jks_LDADD = $(TEST_LIBS)
tests_test_nc_SOURCES = tests/test-nc.c tests/unit.h
tests_test_nc_CFLAGS = $(TEST_CFLAGS)
tests_test_nc_LDADD = $(TEST_LIBS)
tests_test_chain_SOURCES = tests/test-chain.c tests/unit.h
tests_test_chain_CFLAGS = $(TEST_CFLAGS)
tests_test_chain_LDADD = $(TEST_LIBS)
tests_test_trust_SOURCES = tests/test-trust.c tests/unit.h
tests_test_trust_CFLAGS = $(TEST_CFLAGS)
tests_test_trust_LDADD = $(TEST_LIBS)
tests_test_findings_SOURCES = tests/test-findings.c
tests_test_findings_CFLAGS = $(TEST_CFLAGS)
tests_test_findings_LDADD = $(TEST_LIBS)
tests_test_checks_SOURCES = tests/test-checks.c tests/unit.h
tests_test_checks_CFLAGS = $(TEST_CFLAGS)
tests_test_checks_LDADD = $(TEST_LIBS)
tests_test_tls_SOURCES = tests/test-tls.c tests/unit.h
tests_test_tls_CFLAGS = $(TEST_CFLAGS)
tests_test_tls_LDADD = $(TEST_LIBS)
tests_test_report_SOURCES = tests/test-report.c tests/unit.h
tests_test_report_CFLAGS = $(TEST_CFLAGS)
tests_test_report_LDADD = $(TEST_LIBS)
tests_test_write_SOURCES = tests/test-write.c tests/unit.h
tests_test_write_CFLAGS = $(TEST_CFLAGS)
tests_test_write_LDADD = $(TEST_LIBS)
tests_test_export_SOURCES = tests/test-export.c tests/unit.h
tests_test_export_CFLAGS = $(TEST_CFLAGS)
tests_test_export_LDADD = $(TEST_LIBS)
tests_test_fix_SOURCES = tests/test-fix.c tests/unit.h
tests_test_fix_CFLAGS = $(TEST_CFLAGS)
tests_test_fix_LDADD = $(TEST_LIBS)
tests_test_net_SOURCES = tests/test-net.c tests/unit.h
tests_test_net_CFLAGS = $(TEST_CFLAGS)
tests_test_net_LDADD = $(TEST_LIBS)
tests_test_urlbatch_SOURCES = tests/test-urlbatch.c tests/unit.h
tests_test_urlbatch_CFLAGS = $(TEST_CFLAGS)
tests_test_urlbatch_LDADD = $(TEST_LIBS) -lpthread
tests_test_revocation_SOURCES = tests/test-revocation.c tests/unit.h
tests_test_revocation_CFLAGS = $(TEST_CFLAGS)
tests_test_revocation_LDADD = $(TEST_LIBS)
tests_test_revfetch_SOURCES = tests/test-revfetch.c tests/unit.h
tests_test_revfetch_CFLAGS = $(TEST_CFLAGS)
tests_test_revfetch_LDADD = $(TEST_LIBS)
tests_test_crl_SOURCES = tests/test-crl.c tests/unit.h
tests_test_crl_CFLAGS = $(TEST_CFLAGS)
tests_test_crl_LDADD = $(TEST_LIBS)
tests_test_ocspserve_SOURCES = tests/test-ocspserve.c tests/unit.h
tests_test_ocspserve_CFLAGS = $(TEST_CFLAGS)
tests_test_ocspserve_LDADD = $(TEST_LIBS)
tests_test_aia_SOURCES = tests/test-aia.c tests/unit.h
tests_test_aia_CFLAGS = $(TEST_CFLAGS)
tests_test_aia_LDADD = $(TEST_LIBS)
tests_test_runtime_SOURCES = tests/test-runtime.c tests/unit.h
tests_test_runtime_CFLAGS = $(TEST_CFLAGS)
tests_test_runtime_LDADD = $(TEST_LIBS)

# helpers the network tests start (tests/servers/servers.sh)
check_PROGRAMS += tests/servers/netprobe
tests_servers_netprobe_SOURCES = tests/servers/netprobe.c
tests_test_policy_SOURCES = tests/test-policy.c tests/unit.h
tests_test_policy_CFLAGS = $(TEST_CFLAGS)
tests_test_policy_LDADD = $(TEST_LIBS)
tests_test_certpol_SOURCES = tests/test-certpol.c tests/unit.h
tests_test_certpol_CFLAGS = $(TEST_CFLAGS)
tests_test_certpol_LDADD = $(TEST_LIBS)
tests_test_validate_SOURCES = tests/test-validate.c tests/unit.h
tests_test_validate_CFLAGS = $(TEST_CFLAGS)
tests_test_validate_LDADD = $(TEST_LIBS)
tests_test_report_certaudit_SOURCES = tests/test-report-certaudit.c tests/unit.h
tests_test_report_certaudit_CFLAGS = $(TEST_CFLAGS)
tests_test_report_certaudit_LDADD = $(TEST_LIBS)
tests_test_report_openmetrics_SOURCES = tests/test-report-openmetrics.c tests/unit.h
tests_test_report_openmetrics_CFLAGS = $(TEST_CFLAGS)
tests_test_report_openmetrics_LDADD = $(TEST_LIBS)
tests_test_report_nagios_SOURCES = tests/test-report-nagios.c tests/unit.h
tests_test_report_nagios_CFLAGS = $(TEST_CFLAGS)
tests_test_report_nagios_LDADD = $(TEST_LIBS)
tests_test_emit_SOURCES = tests/test-emit.c tests/unit.h
tests_test_emit_CFLAGS = $(TEST_CFLAGS)
tests_test_emit_LDADD = $(TEST_LIBS)
# tools/cli.c's parsers
tests_test_cli_SOURCES = tests/test-cli.c
tests_test_cli_CFLAGS = $(TEST_CFLAGS)
tests_test_cli_LDADD = tools/libcli.la $(TEST_LIBS)

CLI_TESTS = \
	tests/cli/chainview-formats.sh \
	tests/cli/chainview-threads.sh \
	tests/cli/chainview-pkcs12.sh \
	tests/cli/chainview-p12compat.sh \
	tests/cli/pkcs12-kdf-budget.sh \
	tests/cli/chainview-passwords.sh \
	tests/cli/chainview-bad-input.sh \
	tests/cli/chainview-corrupt-block.sh \
	tests/cli/chainview-csr.sh \
	tests/cli/chainview-crl.sh \
	tests/cli/chainview-findings.sh \
	tests/cli/wrap-terminal.sh \
	tests/cli/chainview-output.sh \
	tests/cli/chainview-options.sh \
	tests/cli/chainview-glued.sh \
	tests/cli/chainview-revocation.sh \
	tests/cli/glued-oracles.sh \
	tests/cli/chainview-validate.sh \
	tests/cli/pkits.sh \
	tests/cli/limbo.sh \
	tests/cli/truststore-stores.sh \
	tests/cli/truststore-check.sh \
	tests/cli/truststore-bad-input.sh \
	tests/cli/truststore-output.sh \
	tests/cli/derdump-golden.sh \
	tests/cli/derdump-bad-input.sh \
	tests/cli/derdump-nested.sh \
	tests/cli/derdump-options.sh \
	tests/cli/man-options.sh \
	tests/cli/man-help-agree.sh \
	tests/cli/tools-not-dumpable.sh \
	tests/cli/pfx2pem-oracles.sh \
	tests/cli/pfx2pem-java-ec-keys.sh \
	tests/cli/convert-alias-chains.sh \
	tests/cli/pfx2pem-jks-key-password.sh \
	tests/cli/pfx2pem-jks-keys.sh \
	tests/cli/pem2pfx-oracles.sh \
	tests/cli/certconv-key-oracles.sh \
	tests/cli/certconv-fix.sh \
	tests/cli/conversions-bad-input.sh \
	tests/cli/conversions-roundtrip.sh \
	tests/cli/conversions-passwords.sh \
	tests/cli/conversions-outputs.sh \
	tests/cli/conversions-signals.sh \
	tests/cli/aiacheck-options.sh \
	tests/cli/aiacheck-classes.sh \
	tests/cli/aiaserve-faults.sh \
	tests/cli/aiaserve-options.sh \
	tests/cli/aiaserve-java.sh \
	tests/cli/aiaserve-ocsp.sh \
	tests/cli/aiacheck-content.sh \
	tests/cli/aiacheck-runtimes.sh \
	tests/cli/aiacheck-output.sh \
	tests/cli/aiacheck-proxy.sh \
	tests/cli/aiacheck-demo.sh \
	tests/cli/aiacheck-ldap.sh \
	tests/cli/aiacheck-addresses.sh \
	tests/cli/aiacheck-batch.sh \
	tests/cli/aiacheck-list.sh \
	tests/cli/aiacheck-model.sh \
	tests/cli/aiacheck-nagios.sh \
	tests/cli/certaudit-tree.sh \
	tests/cli/certaudit-output.sh \
	tests/cli/certaudit-walk.sh \
	tests/cli/certaudit-options.sh \
	tests/cli/certaudit-network.sh \
	tests/cli/certaudit-addresses.sh \
	tests/cli/certaudit-openmetrics.sh \
	tests/cli/certaudit-openmetrics-network.sh \
	tests/cli/certaudit-node-exporter.sh \
	tests/cli/certaudit-prometheus-rules.sh \
	tests/cli/certaudit-nagios.sh \
	tests/cli/mtlsprobe-options.sh \
	tests/cli/mtlsprobe-handshake.sh \
	tests/cli/mtlsprobe-network.sh \
	tests/cli/mtlsprobe-output.sh \
	tests/cli/mtlsprobe-proxy.sh \
	tests/cli/mtlsprobe-starttls-ldap.sh \
	tests/cli/mtlsprobe-starttls-mail.sh \
	tests/cli/mtlsprobe-starttls-postgres.sh \
	tests/cli/truststore-export.sh \
	tests/cli/readme-tour.sh \
	$(NULL)

# tests that run others from a checkout under a 0700 directory, through a
# symbolic link, at a long path
SUITE_TESTS = tests/checkout-anywhere.sh

# libcore's modules include no circle (tests/include-graph.py finds them)
SUITE_TESTS += tests/libcore-circles.sh

TESTS += $(UNIT_TESTS) $(CLI_TESTS) $(SUITE_TESTS)
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	CRITERION_NO_EARLY_EXIT=1; export CRITERION_NO_EARLY_EXIT; \
	$(NULL)

EXTRA_DIST += tests/lib.sh $(CLI_TESTS) $(SUITE_TESTS) tests/servers/servers.sh tests/servers/README.md
EXTRA_DIST += tests/conv.sh tests/glued.sh tests/pty-run.py tests/p12-bags.py tests/AiaFetch.java \
	tests/include-graph.py
EXTRA_DIST += tests/servers/netns.sh tests/servers/tls.sh tests/servers/dns.sh tests/servers/tcp.py tests/servers/https.py \
	tests/servers/meta.py
EXTRA_DIST += tests/golden

# make check-valgrind: the tool tests and the fuzz replay (tests/fuzz-replay.sh)
# with every tool and harness run under valgrind (tests/lib.sh's CK_WRAPPER):
# memory errors and definite or indirect leaks fail the run (exit 99).
# tests/valgrind.supp holds the suppressions, each one explained.
VALGRIND = valgrind
VALGRIND_FLAGS = -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	--num-callers=40 --suppressions=$(abs_top_srcdir)/tests/valgrind.supp
VALGRIND_TESTS = $(CLI_TESTS) tests/fuzz-replay.sh
check-valgrind:
	@command -v $(VALGRIND) >/dev/null || { echo "check-valgrind: $(VALGRIND) is not installed" >&2; exit 2; }
	CK_WRAPPER='$(VALGRIND) $(VALGRIND_FLAGS)' CK_TEST_TIMEOUT=$${CK_TEST_TIMEOUT:-600} \
	  $(MAKE) $(AM_MAKEFLAGS) check TESTS='$(VALGRIND_TESTS)'
.PHONY: check-valgrind
EXTRA_DIST += tests/valgrind.supp
