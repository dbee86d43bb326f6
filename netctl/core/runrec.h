/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ownership record of one `netctl run`: <rundir>/run/<id>.json, written before
 * anything is created and removed after everything is undone, holding netctl's pid
 * and that process's start time (so a recycled pid is not taken for a live run), the
 * netns pin and the attachments the run makes. `netctl gc` undoes a dead run's.
 */
#ifndef NETCTL_RUNREC_H
#define NETCTL_RUNREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RUNREC_ID_LEN 16		/* hex digits */
#define RUNREC_MAX_NETS 16
#define RUNREC_FILE_MAX (64 * 1024)
#define RUNREC_NETNS_PREFIX "netctl-"	/* the pin and the container ID: netctl-<id> */

struct runrec_net {
	char net[65];
	char ifname[16];
};

struct runrec {
	char id[RUNREC_ID_LEN + 1];
	char container_id[sizeof(RUNREC_NETNS_PREFIX) + RUNREC_ID_LEN];	/* = netns name */
	pid_t pid;
	uint64_t start;			/* /proc/<pid>/stat field 22 */
	char name[65];			/* --name, "" if none */
	struct runrec_net nets[RUNREC_MAX_NETS];
	int n_nets;
};

/** runrec_new_id() - a fresh random id (hex) and the container ID/netns name from it. */
int runrec_new_id(struct runrec *rec);

/** runrec_id_ok() - @id is RUNREC_ID_LEN lower-case hex digits. */
bool runrec_id_ok(const char *id);

/** proc_start_time() - field 22 of /proc/@pid/stat. -ENOENT when there is no @pid. */
int proc_start_time(pid_t pid, uint64_t *start);

/** runrec_write() - write @rec atomically to <@rundir>/run/<id>.json. 0 or -errno. */
int runrec_write(const char *rundir, const struct runrec *rec);

/**
 * runrec_read() - the record <@rundir>/run/@id.json, validated. -ENOENT, -EINVAL for
 * a file that is not a record, -errno.
 */
int runrec_read(const char *rundir, const char *id, struct runrec *rec);

/** runrec_remove() - remove the record; a missing one is fine. */
int runrec_remove(const char *rundir, const char *id);

/** runrec_alive() - the process that wrote @rec still runs (same pid, same start). */
bool runrec_alive(const struct runrec *rec);

/**
 * runrec_foreach() - call @fn with each record's id under @rundir (sorted). A missing
 * dir is no record. Stops and returns @fn's value when it is non-zero; -errno.
 */
int runrec_foreach(const char *rundir, int (*fn)(const char *id, void *data), void *data);

#endif
