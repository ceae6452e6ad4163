/*
 * mockcluster: a Kafka-protocol cluster on loopback for the tests, on
 * librdkafka's mock cluster (rdkafka_mock.h).
 *
 * usage: mockcluster [-b brokers] [-t seconds] topic:partitions ...
 *
 * Starts the brokers (3 by default) on 127.0.0.1, creates each topic with
 * its partition count, prints the bootstrap servers on one line of the
 * standard output, and runs until SIGTERM or SIGINT, the end of its
 * standard input when that is a pipe (so it goes when the test that
 * started it does), or the timeout (120 s by default), whichever comes
 * first; then it stops the cluster and exits 0.  The mock keeps about
 * 5 MB a partition; its offsets and consumer groups are real enough for
 * kcat -G.
 */
#include <sys/select.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: mockcluster [-b brokers] [-t seconds] "
	    "topic:partitions ...\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *mc;
	struct sigaction sa;
	char	 errstr[512], *colon, buf[64];
	long	 brokers = 3, seconds = 120, parts;
	time_t	 end;
	struct stat st;
	int	 ch, i, eof;

	while ((ch = getopt(argc, argv, "b:t:")) != -1) {
		switch (ch) {
		case 'b':
			brokers = strtol(optarg, NULL, 10);
			break;
		case 't':
			seconds = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || brokers < 1 || brokers > 16 || seconds < 1)
		usage();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	conf = rd_kafka_conf_new();
	if (rd_kafka_conf_set(conf, "log_level", "3", errstr,
	    sizeof(errstr)) != RD_KAFKA_CONF_OK)
		errx(2, "%s", errstr);
	if ((rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
	    sizeof(errstr))) == NULL)
		errx(2, "%s", errstr);
	if ((mc = rd_kafka_mock_cluster_new(rk, (int)brokers)) == NULL)
		errx(2, "cannot start the mock cluster");
	for (i = 0; i < argc; i++) {
		if ((colon = strrchr(argv[i], ':')) == NULL ||
		    (parts = strtol(colon + 1, NULL, 10)) < 1)
			usage();
		*colon = '\0';
		if (rd_kafka_mock_topic_create(mc, argv[i], (int)parts, 1) !=
		    RD_KAFKA_RESP_ERR_NO_ERROR)
			errx(2, "%s: cannot create the topic", argv[i]);
	}
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);

	eof = !(fstat(STDIN_FILENO, &st) == 0 && S_ISFIFO(st.st_mode));
	end = time(NULL) + seconds;
	while (!stop && time(NULL) < end) {
		fd_set	 rfds;
		struct timeval tv = { 0, 200000 };

		FD_ZERO(&rfds);
		if (!eof)
			FD_SET(STDIN_FILENO, &rfds);
		if (select(eof ? 0 : STDIN_FILENO + 1, &rfds, NULL, NULL,
		    &tv) > 0 && FD_ISSET(STDIN_FILENO, &rfds)) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

			if (n == 0)
				break;	/* The test went away. */
			if (n == -1 && errno != EINTR)
				eof = 1;
		}
	}
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
