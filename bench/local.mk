# bench: speed and memory figures, run by 'make bench', never by 'make check'.
EXTRA_PROGRAMS += bench/mkbundle bench/rusage
bench_mkbundle_SOURCES = bench/mkbundle.c
bench_mkbundle_LDADD = $(GNUTLS_LIBS)
bench_rusage_SOURCES = bench/rusage.c
CLEANFILES += bench/mkbundle bench/rusage bench/*.pem bench/*.p7b
EXTRA_DIST += bench/lib.sh bench/chainview.sh bench/aiacheck.sh bench/derdump.sh

BENCH_ENV = top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)'

.PHONY: bench bench-chainview bench-chainview-large bench-aiacheck bench-derdump
bench: bench-chainview bench-aiacheck bench-derdump
bench-chainview: bench/mkbundle$(EXEEXT) bench/rusage$(EXEEXT) tools/chainview$(EXEEXT)
	$(BENCH_ENV) $(SHELL) $(srcdir)/bench/chainview.sh
# the same, then 100,000 leaves (101,001 certificates; minutes, not seconds)
bench-chainview-large: bench/mkbundle$(EXEEXT) bench/rusage$(EXEEXT) tools/chainview$(EXEEXT)
	$(BENCH_ENV) BENCH_LARGE=1 $(SHELL) $(srcdir)/bench/chainview.sh
bench-aiacheck: bench/rusage$(EXEEXT) tools/aiacheck$(EXEEXT) tests/servers/netprobe$(EXEEXT)
	$(BENCH_ENV) $(SHELL) $(srcdir)/bench/aiacheck.sh

# certaudit: a tree of small bundles against one openssl verify process
EXTRA_PROGRAMS += bench/mktree
bench_mktree_SOURCES = bench/mktree.c
bench_mktree_LDADD = $(GNUTLS_LIBS)
CLEANFILES += bench/mktree
EXTRA_DIST += bench/certaudit.sh
.PHONY: bench-certaudit
bench: bench-certaudit
bench-certaudit: bench/mktree$(EXEEXT) bench/rusage$(EXEEXT) tools/certaudit$(EXEEXT)
	$(BENCH_ENV) $(SHELL) $(srcdir)/bench/certaudit.sh
bench-derdump: bench/mkbundle$(EXEEXT) bench/rusage$(EXEEXT) tools/derdump$(EXEEXT)
	$(BENCH_ENV) $(SHELL) $(srcdir)/bench/derdump.sh
