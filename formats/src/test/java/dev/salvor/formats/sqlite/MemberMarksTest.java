package dev.salvor.formats.sqlite;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemberMarksTest {
    @Test
    void behavesAsASetOfMembersAndOthers() {
        Random r = new Random(7);
        LongHashSet members = new LongHashSet();
        Set<Long> memberList = new HashSet<>();
        members.add(0);
        memberList.add(0L);
        for (int i = 0; i < 5000; i++) {
            long v = r.nextLong();
            members.add(v);
            memberList.add(v);
        }
        members.seal();
        MemberMarks marks = new MemberMarks(members);
        Set<Long> reference = new HashSet<>();
        Long[] pool = memberList.toArray(new Long[0]);
        for (int i = 0; i < 20000; i++) {
            // mostly members (as the de-duplication looks up candidates), some others
            long v = r.nextInt(10) == 0 ? r.nextInt(50) + 1L : pool[r.nextInt(pool.length)];
            if (r.nextBoolean()) {
                assertEquals(reference.add(v), marks.add(v), "add " + v);
            } else {
                assertEquals(reference.contains(v), marks.contains(v), "contains " + v);
            }
        }
        for (Long v : pool) {
            assertEquals(reference.contains(v), marks.contains(v));
        }
        assertTrue(marks.add(0) || reference.contains(0L));
        assertTrue(marks.contains(0));
    }

    @Test
    void refusesToGoOnWhenTheMembersChange() {
        LongHashSet members = new LongHashSet();
        members.add(5);
        MemberMarks marks = new MemberMarks(members);
        assertTrue(marks.add(5));
        assertFalse(marks.add(5));
        members.add(6);
        assertThrows(IllegalStateException.class, () -> marks.contains(5));
    }
}
