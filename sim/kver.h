/* Kernel version numbers: the behaviour profile the model follows. */
#ifndef SLUBSIM_KVER_H
#define SLUBSIM_KVER_H

/* KV(6, 1) orders like the kernel's KERNEL_VERSION() without the sublevel. */
#define KV(major, minor) ((unsigned)(major) << 8 | (unsigned)(minor))
#define KV_MAJOR(v) ((v) >> 8)
#define KV_MINOR(v) ((v) & 0xff)

/* The oldest and newest profile the model knows. */
#define KV_FIRST KV(6, 1)
#define KV_LAST KV(6, 19)

#endif
