// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "trace/target.h"

#define PF_KTHREAD	0x00200000	/* include/linux/sched.h */

static int pidfd_open(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

static void read_comm(struct target *t)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", t->pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(t->comm, sizeof(t->comm), f))
		t->comm[strcspn(t->comm, "\n")] = '\0';
	fclose(f);
}

/* Field 9 of /proc/PID/stat holds the task flags; the comm may contain ')'. */
static bool is_kernel_thread(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long flags = 0;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	for (field = 2; p && field < 9; field++)
		p = strchr(p + 1, ' ');
	if (p)
		flags = strtoul(p + 1, NULL, 10);
	return flags & PF_KTHREAD;
}

/* The process a thread belongs to (the Tgid line of /proc/TID/status), or 0 */
static pid_t thread_group_of(pid_t tid)
{
	char path[64], line[128];
	pid_t tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

int target_open_pid(struct target *t, pid_t pid)
{
	pid_t tgid = thread_group_of(pid);


	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->go_fd = t->err_fd = -1;
	t->exit_status = -1;
	t->pidfd = -1;
	/* -p takes processes: the probes match a process id, never a thread's */
	if (tgid > 0 && tgid != pid) {
		fprintf(stderr, "iotrace: %d is a thread of PID %d; use -p %d\n", pid, tgid, tgid);
		return -1;
	}
	t->pidfd = pidfd_open(pid);
	if (t->pidfd < 0) {
		if (errno == ESRCH)
			fprintf(stderr, "iotrace: no such process: %d\n", pid);
		else
			fprintf(stderr, "iotrace: failed to open PID %d: %s\n", pid, strerror(errno));
		return -1;
	}
	if (is_kernel_thread(pid)) {
		fprintf(stderr, "iotrace: PID %d is a kernel thread; iotrace traces user processes\n",
			pid);
		close(t->pidfd);
		t->pidfd = -1;
		return -1;
	}
	read_comm(t);
	return 0;
}

/* 0 if the file can be exec'd: a regular file with X_OK; else an errno as execve's */
static int executable(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return errno;
	if (!S_ISREG(st.st_mode) || access(path, X_OK))
		return EACCES;
	return 0;
}

/*
 * Where execvp would find CMD, searched here and not by the held child: the
 * command is then traced from its one exec, not from the failed execve of
 * each PATH entry before it. A name with a '/' is taken as is, else each
 * PATH entry in turn (empty means "."); EACCES if one was found but not
 * runnable and none was. 0 with the path in out, or the errno execvp's
 * search would end with.
 */
static int command_path(const char *cmd, char *out, size_t size)
{
	const char *dirs = getenv("PATH"), *p, *end;
	int err, denied = 0;

	if (!*cmd)
		return ENOENT;
	if (strchr(cmd, '/')) {
		if (snprintf(out, size, "%s", cmd) >= (int)size)
			return ENAMETOOLONG;
		return executable(out);
	}
	if (!dirs)
		dirs = "/bin:/usr/bin";		/* glibc's default */
	for (p = dirs; ; p = end + 1) {
		end = strchrnul(p, ':');
		if (end == p)
			err = snprintf(out, size, "./%s", cmd) >= (int)size;
		else
			err = snprintf(out, size, "%.*s/%s", (int)(end - p), p, cmd) >= (int)size;
		err = err ? ENAMETOOLONG : executable(out);
		if (!err)
			return 0;
		if (err == EACCES)
			denied = EACCES;
		if (!*end)
			break;
	}
	return denied ? denied : ENOENT;
}

/* The held child: wait for the go, exec CMD once; its errno back to the parent if that fails */
static void __attribute__((noreturn)) run_held(int go, int err, const char *path, char **argv,
					       char **sh_argv)
{
	char c;

	if (read(go, &c, 1) != 1)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	execv(path, argv);
	/* as execvp does: a file with no #! line is a shell script */
	if (errno == ENOEXEC && sh_argv)
		execv("/bin/sh", sh_argv);
	c = errno;
	if (write(err, &c, 1) != 1)
		_exit(126);
	_exit(127);
}

/* "sh PATH ARGS...": what execvp runs for a script without #! (NULL if out of memory) */
static char **shell_argv(const char *path, char **argv)
{
	char **sh;
	int n;

	for (n = 0; argv[n]; n++)
		;
	sh = calloc(n + 2, sizeof(*sh));
	if (!sh)
		return NULL;
	sh[0] = "sh";
	sh[1] = (char *)path;
	memcpy(&sh[2], &argv[1], n * sizeof(*sh));	/* argv[1] to argv[n], its NULL */
	return sh;
}

int target_launch(struct target *t, char **argv)
{
	static char path[PATH_MAX];
	char **sh_argv;
	int go[2], err[2], found;

	memset(t, 0, sizeof(*t));
	t->go_fd = t->err_fd = t->pidfd = -1;
	t->exit_status = -1;
	t->launched = true;
	found = command_path(argv[0], path, sizeof(path));
	if (found) {
		fprintf(stderr, "iotrace: cannot execute '%s': %s\n", argv[0], strerror(found));
		return -1;
	}
	sh_argv = shell_argv(path, argv);	/* built before fork: the child only execs */
	if (pipe2(go, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		fprintf(stderr, "iotrace: failed to create pipe: %s\n", strerror(errno));
		free(sh_argv);
		return -1;
	}
	t->pid = fork();
	if (t->pid < 0) {
		fprintf(stderr, "iotrace: failed to fork: %s\n", strerror(errno));
		free(sh_argv);
		return -1;
	}
	if (t->pid == 0) {
		/* hold here until the probes are attached, then become CMD */
		close(go[1]);
		close(err[0]);
		run_held(go[0], err[1], path, argv, sh_argv);
	}
	free(sh_argv);
	close(go[0]);
	close(err[1]);
	t->go_fd = go[1];
	t->err_fd = err[0];
	t->pidfd = pidfd_open(t->pid);
	snprintf(t->comm, sizeof(t->comm), "%s", strrchr(argv[0], '/') ?
		 strrchr(argv[0], '/') + 1 : argv[0]);
	return 0;
}

/* ns on CPU so far (/proc/PID/schedstat's first field), 0 if unreadable */
static unsigned long long cpu_ns(pid_t pid)
{
	unsigned long long ns = 0;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	f = fopen(path, "r");
	if (f && fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	if (f)
		fclose(f);
	return ns;
}

/*
 * Take ns off a rusage: the CPU the child used between fork and its
 * release, before the traced time began (the return from fork, its page
 * faults; ~0.1 ms, 5% of `true`). Off system time first: most of it is the
 * kernel's.
 */
static void rusage_less(struct rusage *ru, unsigned long long ns)
{
	struct timeval *tv[2] = { &ru->ru_stime, &ru->ru_utime };
	long long us = ns / 1000, have, take;
	int i;

	for (i = 0; i < 2 && us > 0; i++) {
		have = tv[i]->tv_sec * 1000000LL + tv[i]->tv_usec;
		take = have < us ? have : us;
		have -= take;
		us -= take;
		tv[i]->tv_sec = have / 1000000;
		tv[i]->tv_usec = have % 1000000;
	}
}

int target_release(struct target *t)
{
	char c = 1;
	ssize_t n;

	/* held, it runs no more until the go: this is all it used before the trace */
	t->held_ns = cpu_ns(t->pid);
	if (write(t->go_fd, &c, 1) != 1) {
		fprintf(stderr, "iotrace: failed to start command: %s\n", strerror(errno));
		return -1;
	}
	close(t->go_fd);
	t->go_fd = -1;
	/* EOF on the close-on-exec pipe means exec succeeded */
	n = read(t->err_fd, &c, 1);
	close(t->err_fd);
	t->err_fd = -1;
	if (n == 1) {
		waitpid(t->pid, &t->exit_status, 0);
		return -c;
	}
	return 0;
}

bool target_exited(struct target *t)
{
	struct pollfd pfd = { .fd = t->pidfd, .events = POLLIN };

	if (t->pidfd < 0)
		return kill(t->pid, 0) && errno == ESRCH;
	if (poll(&pfd, 1, 0) <= 0)
		return false;
	if (t->launched && t->exit_status < 0 && wait4(t->pid, &t->exit_status, 0, &t->rusage) > 0)
		rusage_less(&t->rusage, t->held_ns);
	return true;
}

/* Wait up to ms for the launched child to exit; true once it has (reaped). */
static bool wait_exit(struct target *t, int ms)
{
	struct pollfd pfd = { .fd = t->pidfd, .events = POLLIN };

	if (t->pidfd >= 0 && poll(&pfd, 1, ms) <= 0)
		return false;
	return waitpid(t->pid, &t->exit_status, t->pidfd >= 0 ? 0 : WNOHANG) == t->pid;
}

void target_end(struct target *t, int grace_ms)
{
	if (!t->launched || t->pid <= 0 || t->go_fd >= 0 || t->exit_status >= 0)
		return;
	if (target_exited(t))
		return;
	kill(t->pid, SIGTERM);
	if (wait_exit(t, grace_ms))
		return;
	fprintf(stderr, "iotrace: %s (PID %d) still running %d ms after SIGTERM: SIGKILL\n",
		t->comm, t->pid, grace_ms);
	kill(t->pid, SIGKILL);
	waitpid(t->pid, &t->exit_status, 0);
}

void target_close(struct target *t)
{
	if (t->go_fd >= 0) {
		/* never released: let the held child go away without exec */
		close(t->go_fd);
		t->go_fd = -1;
		if (t->launched && t->pid > 0)
			waitpid(t->pid, NULL, 0);
	}
	if (t->err_fd >= 0)
		close(t->err_fd);
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->err_fd = t->pidfd = -1;
}
