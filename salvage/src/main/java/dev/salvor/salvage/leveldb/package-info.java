/**
 * LevelDB database salvage: finds the files of a database directory by content, verifies them, and classifies
 * every surviving entry by sequence number as {@code live}, {@code superseded} or {@code deleted}.
 */
package dev.salvor.salvage.leveldb;
