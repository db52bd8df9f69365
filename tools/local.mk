# tools: one program per file, sharing cli.c.
noinst_LTLIBRARIES += tools/libcli.la
tools_libcli_la_SOURCES = tools/cli.c tools/cli.h
tools_libcli_la_LIBADD = libcore/libcore.la

TOOL_LIBS = tools/libcli.la libcore/libcore.la

bin_PROGRAMS += tools/chainview
tools_chainview_SOURCES = tools/chainview.c
tools_chainview_LDADD = $(TOOL_LIBS)

bin_PROGRAMS += tools/truststore
tools_truststore_SOURCES = tools/truststore.c
tools_truststore_LDADD = $(TOOL_LIBS)
bin_PROGRAMS += tools/aiacheck
tools_aiacheck_SOURCES = tools/aiacheck.c
tools_aiacheck_LDADD = $(TOOL_LIBS)
bin_PROGRAMS += tools/mtlsprobe
tools_mtlsprobe_SOURCES = tools/mtlsprobe.c
tools_mtlsprobe_LDADD = $(TOOL_LIBS)

bin_PROGRAMS += tools/derdump
tools_derdump_SOURCES = tools/derdump.c
tools_derdump_LDADD = $(TOOL_LIBS)
