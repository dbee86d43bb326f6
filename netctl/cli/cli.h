/* SPDX-License-Identifier: Apache-2.0 */
/* The netctl subcommands: each takes argv from its own name on, returns the exit status. */
#ifndef NETCTL_CLI_H
#define NETCTL_CLI_H

/* Exit statuses of every command. */
#define CLI_OK 0
#define CLI_FAILED 1	/* the work failed: error JSON on stdout, one line on stderr */
#define CLI_USAGE 2	/* the command line was wrong: usage on stderr */

/** cmd_cni() - `netctl cni add|del|check|gc|status CONFLIST [NETNS] [options]`. */
int cmd_cni(int argc, char **argv);
/** cmd_policy() - `netctl policy check|diff|apply|show|explain ...`. */
int cmd_policy(int argc, char **argv);
/** cmd_policy_log() - `netctl policy log NET ...` (argv[0] is "log"). */
int cmd_policy_log(int argc, char **argv);
/** cmd_graph() - `netctl graph NET`: DOT of containers, groups and allowed flows. */
int cmd_graph(int argc, char **argv);
/** cmd_stats() - `netctl stats [NET|CONTAINER] [--watch N] [--json]`. */
int cmd_stats(int argc, char **argv);
/** cmd_connect() - `netctl connect NET CONTAINER [options]` (netctl/core/attach.h). */
int cmd_connect(int argc, char **argv);
/** cmd_disconnect() - `netctl disconnect NET CONTAINER`. */
int cmd_disconnect(int argc, char **argv);
/** cmd_check() - `netctl check [NET [CONTAINER]]`. */
int cmd_check(int argc, char **argv);

/** cmd_run() - `netctl run [options] -- CMD...`: CMD in a new netns on networks. */
int cmd_run(int argc, char **argv);
/** cmd_create() - `netctl create NET [options]`: conflist and bridge. */
int cmd_create(int argc, char **argv);
/** cmd_rm() - `netctl rm NET [--force]`. */
int cmd_rm(int argc, char **argv);
/** cmd_ls() - `netctl ls [--json]`: the networks. */
int cmd_ls(int argc, char **argv);
/** cmd_inspect() - `netctl inspect NET|CONTAINER [--json]`. */
int cmd_inspect(int argc, char **argv);

/** cmd_gc() - `netctl gc [NET]`: reclaim what crashed runs and ADDs left. */
int cmd_gc(int argc, char **argv);

#endif
